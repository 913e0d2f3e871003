package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Presets;
import net2net.testing.Fast;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The readable consumer step ({@link Net2WiderNet#widenConsumer}, NDArray operations) and the
 * kernel ({@link WiderNetKernel}) give bit-identical students: every weight's bytes hash the same.
 */
@Fast
class WiderNetKernelTest {

    @ParameterizedTest(name = "{0} {1} -> {2} ({3} noise, reader: {4})")
    @CsvSource({
        // dense reader (fc2), several replicas per unit: 70 -> 300
        "fashionnet, fc1, 300, none, dense",
        "fashionnet, fc1, 300, exact, dense",
        "fashionnet, fc1, 300, paper, dense",
        // conv reader (conv2)
        "fashionnet, conv1, 40, none, conv",
        "fashionnet, conv1, 40, exact, conv",
        "fashionnet, conv1, 40, paper, conv",
        // dense reader after a flatten (fc1): H*W blocks
        "fashionnet, conv2, 90, none, flatten",
        "fashionnet, conv2, 90, exact, flatten",
        "fashionnet, conv2, 90, paper, flatten",
        // a residual stream: two writers, two readers
        "fashionresnet, conv1, 40, none, residual",
        "fashionresnet, conv1, 40, exact, residual",
        "fashionresnet, conv1, 40, paper, residual",
    })
    void readablePathAndKernelGiveTheSameBits(String preset, String layer, int width, String noise, String reader) {
        Net2WiderNet.Options options =
                new Net2WiderNet.Options(Noise.parse(noise), Net2WiderNet.DEFAULT_NOISE_SCALE, 11);
        try (Network teacher = Initialization.random(
                        Presets.get(preset, Presets.PAPER_TEACHER_WIDTH), 3, Step.Init.seeded(3));
                Network readable = Net2WiderNet.widen(
                        teacher, Map.of(layer, width), options, Net2WiderNet.Implementation.READABLE);
                Network kernel = Net2WiderNet.widen(
                        teacher, Map.of(layer, width), options, Net2WiderNet.Implementation.KERNEL)) {
            assertEquals(StudentHashesTest.hash(kernel), StudentHashesTest.hash(readable));
            if (!noise.equals("none")) {
                // the noise is there: a noisy student differs from the noiseless one
                try (Network plain = Net2WiderNet.widen(
                        teacher,
                        Map.of(layer, width),
                        new Net2WiderNet.Options(Noise.NONE, 0, 11),
                        Net2WiderNet.Implementation.READABLE)) {
                    assertNotEquals(StudentHashesTest.hash(plain), StudentHashesTest.hash(readable));
                }
            }
        }
    }
}
