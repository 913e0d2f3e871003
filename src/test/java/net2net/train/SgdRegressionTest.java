package net2net.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.data.Splits;
import net2net.nn.Network;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression guard for the trainer's SGD path: the SHA-256 of the weights (names, then bytes) and
 * of the metrics of small SGD runs, compared with what the trainer gave before it took the sealed
 * Optimizer (commit 3981453). The full replication runs with that code, so SGD runs must stay
 * bit-identical (docs/optimizer-growth.md).
 */
@Fast
class SgdRegressionTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        // recorded on commit 3981453
        EXPECTED.put("step/weights", "5b97b1b000d42b8533baf7133b7931305e26648ca0a40786fadce55531a307b2");
        EXPECTED.put("step/metrics", "84b241056f99c9bee4876f83d930f2cdf75c8b073e871d58a7b04188d3951304");
        EXPECTED.put("step/velocities", "f203e09a24f4ca56e1fae93bdec13b2f17b7cc09151b51cf4feb358f75438b69");
        EXPECTED.put("warmup-cosine/weights", "6eb217dd0878162efee1fb4de732caa523bab656e90e301f2813d0e2ee9d3e6e");
        EXPECTED.put("warmup-cosine/metrics", "e67abcfdf00ede70a24586ccea8b627e878fce9dd1ea35d2d80a1dff360eb6f1");
        EXPECTED.put("warmup-cosine/velocities", "43ab50b3d7430c27da38ada9509c8fa370f16b242ec647205f507b4b007c1953");
    }

    static String hash(Network n) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, NDArray> e : n.weights().entrySet()) {
            d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            d.update(e.getValue().toByteArray());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static String hash(List<EpochMetrics> metrics) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(TrainerTest.numbers(metrics).toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sgdRunsGiveTheNumbersTheyGaveBefore() throws Exception {
        Splits data = TrainerTest.seedData();
        Map<String, String> got = new LinkedHashMap<>();
        Map<String, TrainConfig> configs = new LinkedHashMap<>();
        configs.put("step", new TrainConfig(3, 0.05, 0.9, 1e-3, 64, Schedule.STEP, 5, 4));
        configs.put("warmup-cosine", new TrainConfig(2, 0.02, 0.9, 5e-4, 32, Schedule.WARMUP_COSINE, 3, 0));
        for (Map.Entry<String, TrainConfig> c : configs.entrySet()) {
            try (Network net = TrainerTest.mlp(1)) {
                Trainer.Result r = Trainer.train(
                        net, data, c.getValue(), Trainer.Options.quiet().withOut(tmp.resolve(c.getKey()), false));
                try (Network trained = r.network()) {
                    got.put(c.getKey() + "/weights", hash(trained));
                    got.put(c.getKey() + "/metrics", hash(r.metrics()));
                    got.put(
                            c.getKey() + "/velocities",
                            HexFormat.of()
                                    .formatHex(MessageDigest.getInstance("SHA-256")
                                            .digest(Files.readAllBytes(
                                                    tmp.resolve(c.getKey()).resolve(Checkpoint.OPTIMIZER)))));
                }
            }
        }
        got.forEach((k, v) -> System.out.println("[sgd-regression] " + k + " " + v));
        assertEquals(EXPECTED, got);
    }
}
