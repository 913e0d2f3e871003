package net2net.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net2net.testing.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyTorch peer (bench/torch_bench.py) runs a handful of steps and prints the same figures as JSON. */
@Torch
class TorchPeerTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPT = Path.of("bench", "torch_bench.py");

    @TempDir
    Path tmp;

    @Test
    void thePeerRunsAFewStepsAndPrintsItsFigures() throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT + " is missing");
        Path out = tmp.resolve("peer.out");
        Path err = tmp.resolve("peer.err");
        Process p;
        try {
            p = new ProcessBuilder(
                            PYTHON,
                            SCRIPT.toString(),
                            "--threads",
                            "1",
                            "--warmup",
                            "1",
                            "--steps",
                            "3",
                            "--infer-steps",
                            "2")
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
        } catch (IOException e) {
            fail("cannot run " + PYTHON + " (" + e.getMessage()
                    + "); install Python 3 and PyTorch: apt-get install python3-torch");
            return;
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(SCRIPT + " did not finish within 180 s; stderr:\n" + Files.readString(err));
        }
        String stderr = Files.readString(err);
        if (stderr.contains("cannot import torch") || stderr.contains("No module named 'torch'")) {
            fail(PYTHON + " cannot import torch; install it with: apt-get install python3-torch\n" + stderr);
        }
        assertEquals(0, p.exitValue(), () -> SCRIPT + " failed; stderr:\n" + stderr);
        JsonObject o = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertTrue(o.get("train_samples_per_s").getAsDouble() > 0, o.toString());
        assertTrue(o.get("infer_samples_per_s").getAsDouble() > 0, o.toString());
        assertEquals(1, o.get("threads").getAsInt());
        assertEquals(Benchmark.BATCH, o.get("batch").getAsInt());
    }
}
