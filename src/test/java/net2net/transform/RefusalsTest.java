package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net2net.Net2NetException;
import net2net.nn.Network;
import net2net.spec.Architecture;
import net2net.spec.Layer;
import net2net.spec.Presets;
import net2net.testing.Fast;
import net2net.testing.RandomNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@Fast
class RefusalsTest {
    static void refused(Executable e, String... words) {
        Net2NetException ex = assertThrows(Net2NetException.class, e);
        for (String w : words) {
            assertTrue(ex.getMessage().contains(w), "message '" + ex.getMessage() + "' lacks '" + w + "'");
        }
        assertTrue(!ex.getMessage().contains("\n"), "one line");
    }

    final Network fashion = RandomNetworks.network(Presets.get("fashionnet", 0.5), new SplittableRandom(1));
    final Net2WiderNet.Options opts = Net2WiderNet.Options.defaults(0);

    @Test
    void narrowing() {
        refused(() -> Net2WiderNet.widen(fashion, "conv1", 8, opts), "narrow", "at least 16");
        refused(() -> RandomPad.pad(fashion, "fc1", 10, 0), "narrow");
    }

    @Test
    void outputLayer() {
        refused(() -> Net2WiderNet.widen(fashion, "fc2", 20, opts), "output layer", "conv1, conv2, fc1");
    }

    @Test
    void unknownName() {
        refused(() -> Net2WiderNet.widen(fashion, "conv9", 20, opts), "no layer named 'conv9'", "conv1");
        refused(() -> Net2DeeperNet.deepen(fashion, "relu9", Net2DeeperNet.Options.plain()), "no layer named");
    }

    @Test
    void notAWidenableLayer() {
        refused(() -> Net2WiderNet.widen(fashion, "bn1", 20, opts), "batchnorm", "only dense and conv2d");
    }

    @Test
    void layerWithNoConsumer() {
        // the last conv of a network that ends in convolutions: nothing consumes its channels
        Architecture arch = new Architecture(
                new Shape(1, 6, 6),
                List.of(
                        new Layer.Conv2d("c1", 4, 3, true),
                        new Layer.Relu("r1"),
                        new Layer.Conv2d("c2", 2, 3, true),
                        new Layer.Relu("r2")));
        try (Network n = RandomNetworks.network(arch, new SplittableRandom(2))) {
            refused(() -> Net2WiderNet.widen(n, "c2", 4, opts), "no dense or conv2d consumes");
        }
    }

    @Test
    void deepeningAfterTanhOrANonActivation() {
        Architecture arch = new Architecture(
                new Shape(3),
                List.of(new Layer.Dense("fc1", 4, true), new Layer.Tanh("t1"), new Layer.Dense("out", 1, true)));
        try (Network n = RandomNetworks.network(arch, new SplittableRandom(3))) {
            refused(
                    () -> Net2DeeperNet.deepen(n, "t1", Net2DeeperNet.Options.plain()),
                    "tanh",
                    "not idempotent",
                    "--residual");
            refused(() -> Net2DeeperNet.deepen(n, "fc1", Net2DeeperNet.Options.plain()), "after a relu");
        }
    }

    @Test
    void evenKernels() {
        refused(() -> new Net2DeeperNet.Options(4, false, null, null), "odd");
        refused(() -> new Layer.Conv2d("c", 3, 2, true), "even");
    }

    @Test
    void residualBodyThatChangesTheShape() {
        // 4 channels in, 6 out: x + body(x) cannot be added
        refused(
                () -> new Architecture(
                        new Shape(1, 6, 6),
                        List.of(
                                new Layer.Conv2d("c1", 4, 3, true),
                                new Layer.Residual(
                                        "res1",
                                        List.of(new Layer.Conv2d("rc", 6, 3, true)),
                                        Layer.Residual.Activation.RELU),
                                new Layer.Flatten("f"),
                                new Layer.Dense("out", 2, true))),
                "residual 'res1'",
                "addition",
                "4 channels");
        // a maxpool in the body changes the spatial size
        refused(
                () -> new Architecture(
                        new Shape(1, 6, 6),
                        List.of(
                                new Layer.Residual(
                                        "res1",
                                        List.of(new Layer.Conv2d("rc", 1, 3, true), new Layer.MaxPool("p")),
                                        null),
                                new Layer.Flatten("f"),
                                new Layer.Dense("out", 2, true))),
                "residual 'res1'",
                "spatial size");
        refused(() -> new Layer.Residual("res1", List.of(), null), "body of at least one layer");
        refused(
                () -> new Architecture(
                        new Shape(3),
                        List.of(
                                new Layer.Dense("fc", 3, true),
                                new Layer.Residual("r", List.of(new Layer.Dense("fc", 3, true)), null))),
                "used twice");
    }

    @Test
    void wideningAWriterWhoseSkipCarriesTheNetworkInput() {
        // the block adds its body to the raw input: the input's channels cannot be replicated, so the
        // body's last conv cannot be widened without breaking the addition
        Architecture arch = new Architecture(
                new Shape(2, 6, 6),
                List.of(
                        new Layer.Residual(
                                "res1",
                                List.of(
                                        new Layer.Conv2d("rc1", 4, 3, true),
                                        new Layer.Relu("rr"),
                                        new Layer.Conv2d("rc2", 2, 3, true)),
                                Layer.Residual.Activation.RELU),
                        new Layer.Flatten("f"),
                        new Layer.Dense("out", 2, true)));
        try (Network n = RandomNetworks.network(arch, new SplittableRandom(4))) {
            refused(
                    () -> Net2WiderNet.widen(n, "rc2", 4, opts),
                    "'rc2' writes into the addition of residual 'res1'",
                    "network input",
                    "the two sides of the addition would disagree");
            refused(() -> RandomPad.pad(n, "rc2", 4, 0), "network input");
            // the body's first conv feeds only the body: it widens as before
            try (Network ok = Net2WiderNet.widen(n, "rc1", 8, opts);
                    NDManager m = NDManager.newBaseManager()) {
                assertTrue(Verification.compare(n, ok, Verification.randomInputs(m, arch.input(), 16, 1))
                        .exact());
            }
        }
    }

    @Test
    void twoWidthsForOneStream() {
        try (Network n = RandomNetworks.network(Presets.get("fashionresnet", 0.5), new SplittableRandom(5))) {
            Map<String, Integer> widths = new LinkedHashMap<>();
            widths.put("conv1", 20);
            widths.put("res1_conv2", 24);
            refused(
                    () -> Net2WiderNet.widen(n, widths, opts),
                    "'res1_conv2' and 'conv1' write the same residual stream",
                    "one width");
        }
    }

    @Test
    void aStreamThatReachesTheOutput() {
        Architecture arch = new Architecture(
                new Shape(3),
                List.of(
                        new Layer.Dense("fc", 3, true),
                        new Layer.Residual(
                                "r", List.of(new Layer.Dense("rf", 3, true)), Layer.Residual.Activation.TANH)));
        try (Network n = RandomNetworks.network(arch, new SplittableRandom(6))) {
            refused(() -> Net2WiderNet.widen(n, "rf", 5, opts), "reach the network output", "[r]");
            refused(() -> Net2WiderNet.widen(n, "fc", 5, opts), "reach the network output");
        }
    }
}
