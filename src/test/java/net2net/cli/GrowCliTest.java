package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.testing.RealData;
import net2net.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --grow} on a small fashionnet (docs/optimizer-growth.md#growth-inside-a-run): the loss
 * right after a growth is the teacher's, and a run resumed across growth points gives the numbers of
 * the uninterrupted run.
 */
@RealData
class GrowCliTest {
    @TempDir
    Path tmp;

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    static final Pattern GREW = Pattern.compile("grew at the end of epoch (\\d+) \\(step (\\d+)\\): (.*); "
            + "([\\d,]+) -> ([\\d,]+) parameters; loss on a batch ([\\d.]+) -> ([\\d.]+)");

    List<String> train(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                "fashion-mnist",
                "--limit",
                "512",
                "--test-limit",
                "200",
                "--batch",
                "64",
                "--lr",
                "0.05",
                "--schedule",
                "none",
                "--seed",
                "3",
                "--out",
                p(out)));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r.err().lines().toList();
    }

    @Test
    void growsInsideTheRunKeepsTheLossAndResumesAcrossGrowthPoints() throws Exception {
        assertEquals(
                0,
                CliRun.of("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", p("small"))
                        .code());
        String widen = "1:widen conv1=16,conv2=32";
        String deepen = "epoch2:deepen after=relu3";
        List<String> log = train("whole", "--model", p("small"), "--epochs", "3", "--grow", widen, "--grow", deepen);
        List<Matcher> grew = matches(GREW, log);
        assertEquals(2, grew.size(), String.join("\n", log));
        for (Matcher g : grew) {
            int epoch = Integer.parseInt(g.group(1));
            // the function is kept: the grown network's loss is the teacher's, to the 6 decimals printed
            assertEquals(g.group(6), g.group(7), "loss before and after the growth at epoch " + epoch);
            assertEquals(8L * epoch, Long.parseLong(g.group(2)), "512 / 64 = 8 steps per epoch");
            System.out.println("[grow-cli] " + g.group());
        }
        assertEquals("widen conv1=16,conv2=32", grew.get(0).group(3));
        assertEquals("deepen after=relu3", grew.get(1).group(3));

        // the same run in three sessions: each resume passes the earlier growth points, which do not fire again
        List<String> first = train("parts", "--model", p("small"), "--epochs", "1", "--grow", widen);
        assertEquals(1, matches(GREW, first).size());
        List<String> second = train("parts", "--resume", "--epochs", "2", "--grow", widen, "--grow", deepen);
        assertEquals(1, matches(GREW, second).size(), String.join("\n", second));
        assertTrue(matches(GREW, second).get(0).group(3).startsWith("deepen"));
        List<String> third = train("parts", "--resume", "--epochs", "3", "--grow", widen, "--grow", deepen);
        assertEquals(0, matches(GREW, third).size(), String.join("\n", third));

        assertEquals(losses(tmp.resolve("whole")), losses(tmp.resolve("parts")));
        try (Network a = ModelFiles.load(tmp.resolve("whole"));
                Network b = ModelFiles.load(tmp.resolve("parts"))) {
            assertEquals(a.architecture(), b.architecture());
            assertTrue(a.architecture().names().contains("relu3_id"));
            a.weights()
                    .forEach((k, w) ->
                            assertArrayEquals(w.toFloatArray(), b.weight(k).toFloatArray(), k));
        }
    }

    @Test
    void aResumeWithoutGrowOptionsContinuesWithTheSavedPlan() throws Exception {
        assertEquals(
                0,
                CliRun.of("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", p("small"))
                        .code());
        String widen = "1:widen conv1=16,conv2=32";
        String deepen = "epoch2:deepen after=relu3";
        List<String> reset = List.of("--grow-state", "reset");
        List<String> both = new ArrayList<>(List.of("--grow", widen, "--grow", deepen));
        both.addAll(reset);
        train("whole", concat(List.of("--model", p("small"), "--epochs", "3"), both));

        // a session of 1 epoch records its plan in the checkpoint, in the words --grow reads
        train("parts", concat(List.of("--model", p("small"), "--epochs", "1", "--grow", widen), reset));
        Path state = tmp.resolve("parts").resolve(Checkpoint.STATE);
        JsonObject saved = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
        JsonObject plan = saved.getAsJsonObject("growth_plan");
        assertEquals("reset", plan.get("grow_state").getAsString());
        assertEquals(
                "epoch1:" + widen.substring(2),
                plan.getAsJsonArray("grow").get(0).getAsString());
        // an interrupted session of 3 epochs would have recorded the deepening still ahead as well
        plan.getAsJsonArray("grow").add(deepen);
        Files.writeString(state, saved.toString());

        // no --grow on the resume: the deepening at the end of epoch 2 still happens, with the saved state mode
        List<String> rest = train("parts", "--resume", "--epochs", "3");
        assertTrue(
                rest.stream().anyMatch(l -> l.contains("resuming with the saved growth plan: --grow-state reset")),
                String.join("\n", rest));
        assertEquals(1, matches(GREW, rest).size(), String.join("\n", rest));
        assertTrue(matches(GREW, rest).get(0).group(3).startsWith("deepen"));
        assertEquals(losses(tmp.resolve("whole")), losses(tmp.resolve("parts")));
    }

    static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    /** Each row of metrics.csv without its timing: epoch, examples, train loss, test loss, accuracy. */
    static List<String> losses(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.replaceFirst("^([^,]*,[^,]*),[^,]*,", "$1,"))
                .toList();
    }

    static List<Matcher> matches(Pattern p, List<String> lines) {
        List<Matcher> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void badGrowSpecsGetOneLineAndWriteNothing() {
        assertEquals(
                0,
                CliRun.of("init", "--arch", "fashionnet", "--width-mult", "0.25", "--out", p("small"))
                        .code());
        bad("no layer named 'conv9'", "--grow", "1:widen conv9=16");
        bad("cannot narrow 'conv1' from 8 to 4", "--grow", "1:widen conv1=4");
        bad("after the run's last step 16", "--grow", "3:widen conv1=16");
        bad("no ':'", "--grow", "widen conv1=16");
        bad("unknown --grow-state 'keep-it'", "--grow", "1:widen conv1=16", "--grow-state", "keep-it");
    }

    void bad(String message, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--model",
                p("small"),
                "--data",
                "fashion-mnist",
                "--limit",
                "512",
                "--test-limit",
                "200",
                "--batch",
                "64",
                "--epochs",
                "2",
                "--out",
                p("o")));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        List<String> errors =
                r.err().lines().filter(l -> l.startsWith("net2net: error: ")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).contains(message), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
    }
}
