package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed between the checkpoint's two renames loses nothing; --resume of nothing is refused everywhere. */
@Slow
class CheckpointRecoveryTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void aKillBetweenTheRenamesIsRecoveredOnResume() throws Exception {
        CliRun init = CliRun.of("init", "--arch", "mlp-seed", "--out", p("m"));
        assertEquals(0, init.code(), init.err());
        CliRun train = CliRun.of(
                "train",
                "--model",
                p("m"),
                "--data",
                "seed",
                "--standardize",
                "--lr",
                "0.01",
                "--epochs",
                "1",
                "--out",
                p("run"));
        assertEquals(0, train.code(), train.err());
        // the state after `mv run .run.old-X` and before `mv .run.tmp-Y run`: the next epoch's copy written
        // (here: half of it), the last complete checkpoint renamed away
        Files.move(tmp.resolve("run"), tmp.resolve(".run.old-123"));
        Files.createDirectories(tmp.resolve(".run.tmp-456"));
        Files.writeString(tmp.resolve(".run.tmp-456/model.json"), "{\"half");
        CliRun resumed = CliRun.of("train", "--resume", "--data", "seed", "--epochs", "2", "--out", p("run"), "--json");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("restored " + tmp.resolve("run")), resumed.err());
        assertEquals(
                2,
                JsonParser.parseString(resumed.out())
                        .getAsJsonObject()
                        .get("epochs")
                        .getAsInt());
        assertNoLeftovers();

        // the same on a fresh start: the hidden run comes back, and is then an existing --out
        Files.move(tmp.resolve("run"), tmp.resolve(".run.old-789"));
        CliRun again = CliRun.of("train", "--model", p("m"), "--data", "seed", "--out", p("run"));
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains("already exists"), again.err());
        assertTrue(Files.isRegularFile(tmp.resolve("run/train_state.json")));
        assertNoLeftovers();
    }

    @Test
    void staleTemporaryDirectoriesAreRemovedByTheNextWriter() throws Exception {
        Files.createDirectories(tmp.resolve(".out.tmp-1/x"));
        Files.createDirectories(tmp.resolve(".other.tmp-3"));
        CliRun r = CliRun.of("init", "--arch", "mlp-seed", "--out", p("out"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("removed .out.tmp-1, left by an interrupted write"), r.err());
        assertFalse(Files.exists(tmp.resolve(".out.tmp-1")));
        // with the model there, an old copy is a leftover of a finished swap
        Files.createDirectories(tmp.resolve(".out.old-2"));
        assertEquals(
                0,
                CliRun.of("init", "--arch", "mlp-seed", "--out", p("out"), "--force")
                        .code());
        assertFalse(Files.exists(tmp.resolve(".out.old-2")));
        assertTrue(Files.exists(tmp.resolve(".other.tmp-3")), "another output's files are not touched");
    }

    @Test
    void resumeOfAMissingDirectoryIsRefusedLikeReplicate() {
        for (List<String> args : List.of(
                List.of("train", "--resume", "--data", "seed", "--out", p("nowhere")),
                List.of("replicate", "--resume", "--out", p("nowhere")))) {
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("does not exist; drop --resume to start one"), r.err());
            assertFalse(Files.exists(tmp.resolve("nowhere")));
        }
    }

    private void assertNoLeftovers() throws Exception {
        try (var s = Files.list(tmp)) {
            List<String> hidden = s.map(x -> x.getFileName().toString())
                    .filter(n -> n.startsWith("."))
                    .toList();
            assertTrue(hidden.isEmpty(), "left behind: " + hidden);
        }
    }
}
