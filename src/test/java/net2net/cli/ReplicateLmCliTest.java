package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replicate --experiment lm} refuses what does not apply in one line, exit 2, writing nothing (docs/lm-experiment.md). */
@Fast
class ReplicateLmCliTest {
    @TempDir
    Path tmp;

    void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void refusesWhatDoesNotApply() {
        Path out = tmp.resolve("o");
        refused("unknown --experiment 'gpt'", "replicate", "--experiment", "gpt", "--out", out.toString());
        refused(
                "--teacher-lr apply to the Fashion-MNIST experiments, not to --experiment lm",
                "replicate",
                "--experiment",
                "lm",
                "--teacher-lr",
                "0.1",
                "--out",
                out.toString());
        refused(
                "unknown profile 'huge'",
                "replicate",
                "--experiment",
                "lm",
                "--profile",
                "huge",
                "--out",
                out.toString());
        refused(
                "--seeds must be at least 1",
                "replicate",
                "--experiment",
                "lm",
                "--seeds",
                "0",
                "--out",
                out.toString());
        refused(
                "does not exist; drop --resume",
                "replicate",
                "--experiment",
                "lm",
                "--resume",
                "--out",
                out.toString());
        assertFalse(Files.exists(out));
    }
}
