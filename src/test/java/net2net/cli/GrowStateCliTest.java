package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --grow-state keep|reset} on the seed data with AdamW (docs/optimizer-growth.md#the-state-keep-or-reset):
 * the two runs are the same up to the growth and differ after it, since only keep carries the moments.
 */
@Fast
class GrowStateCliTest {
    @TempDir
    Path tmp;

    List<String> run(String state) throws Exception {
        CliRun r = CliRun.of(
                "train",
                "--model",
                tmp.resolve("m").toString(),
                "--data",
                "seed",
                "--standardize",
                "--epochs",
                "3",
                "--optimizer",
                "adamw",
                "--lr",
                "0.01",
                "--batch",
                "100",
                "--grow",
                "1:widen fc1=16",
                "--grow-state",
                state,
                "--out",
                tmp.resolve(state).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("grew at the end of epoch 1 (step 8): widen fc1=16; 50 -> 80 parameters"), r.err());
        return Files.readAllLines(tmp.resolve(state).resolve("metrics.csv")).stream()
                .map(l -> l.replaceFirst("^([^,]*,[^,]*),[^,]*,", "$1,")) // drop the timing
                .toList();
    }

    @Test
    void keepAndResetAgreeUpToTheGrowthAndDifferAfterIt() throws Exception {
        assertEquals(
                0,
                CliRun.of(
                                "init",
                                "--arch",
                                "mlp-seed",
                                "--out",
                                tmp.resolve("m").toString())
                        .code());
        List<String> keep = run("keep");
        List<String> reset = run("reset");
        assertEquals(keep.subList(0, 2), reset.subList(0, 2), "header and epoch 1: before the growth");
        assertNotEquals(keep.get(2), reset.get(2), "epoch 2: after the growth, the state matters");
        System.out.println("[grow-state] keep " + keep.get(3) + " | reset " + reset.get(3));
    }
}
