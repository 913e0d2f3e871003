package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --grow} on a character-level tinygpt under AdamW (docs/optimizer-growth.md): the stream,
 * heads and FFN widened at a step, a block inserted at a later step; the loss is kept at each growth,
 * and a run resumed between the two growths gives the uninterrupted run's numbers.
 */
@Slow
class GrowTextCliTest {
    @TempDir
    Path tmp;

    static final String WIDEN = "step6:widen wte=32 h0_attn.heads=8 h1_fc=96";
    static final String DEEPEN = "step12:deepen after=h1_mlp_res";

    static final Pattern GREW = Pattern.compile(
            "grew at step (\\d+) \\(step \\d+\\): (.*); [\\d,]+ -> [\\d,]+ parameters; loss on a batch ([\\d.]+) -> ([\\d.]+)");

    String p(String name) {
        return tmp.resolve(name).toString();
    }

    List<Matcher> train(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                "text:" + p("story.txt"),
                "--optimizer",
                "adamw",
                "--lr",
                "0.01",
                "--schedule",
                "none",
                "--batch",
                "8",
                "--seed",
                "5",
                "--out",
                p(out)));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<Matcher> grew = new ArrayList<>();
        r.err().lines().map(GREW::matcher).filter(Matcher::find).forEach(grew::add);
        return grew;
    }

    @Test
    void tinygptGrowsAtStepsUnderAdamWAndResumesBetweenThem() throws Exception {
        Files.writeString(
                tmp.resolve("story.txt"),
                "the quick brown fox jumps over the lazy dog; pack my box with five dozen jugs.\n".repeat(60),
                StandardCharsets.UTF_8);
        CliRun init = CliRun.of(
                "init",
                "--arch",
                "tinygpt",
                "--width-mult",
                "0.25",
                "--context",
                "16",
                "--data",
                "text:" + p("story.txt"),
                "--out",
                p("m"));
        assertEquals(0, init.code(), init.err());
        List<Matcher> whole = train("whole", "--model", p("m"), "--steps", "16", "--grow", WIDEN, "--grow", DEEPEN);
        assertEquals(2, whole.size());
        assertEquals("6", whole.get(0).group(1));
        assertEquals("widen wte=32,h0_attn.heads=8,h1_fc=96", whole.get(0).group(2));
        assertEquals("deepen after=h1_mlp_res", whole.get(1).group(2));
        for (Matcher g : whole) {
            assertEquals(g.group(3), g.group(4), "the loss before and after: " + g.group());
            System.out.println("[grow-text] " + g.group());
        }
        assertEquals(
                1,
                train("parts", "--model", p("m"), "--steps", "9", "--grow", WIDEN)
                        .size());
        List<Matcher> rest = train("parts", "--resume", "--steps", "16", "--grow", WIDEN, "--grow", DEEPEN);
        assertEquals(1, rest.size(), "only the growth still ahead fires");
        assertEquals("12", rest.get(0).group(1));
        // the interrupted run's curve has one more point, where its first session ended; the last is the same
        List<String> wholeCurve = GrowCliTest.losses(tmp.resolve("whole"));
        List<String> partsCurve = GrowCliTest.losses(tmp.resolve("parts"));
        assertEquals(wholeCurve.get(wholeCurve.size() - 1), partsCurve.get(partsCurve.size() - 1));
        try (Network a = ModelFiles.load(tmp.resolve("whole"));
                Network b = ModelFiles.load(tmp.resolve("parts"))) {
            assertEquals(a.architecture(), b.architecture());
            assertTrue(
                    a.architecture().names().contains("h2_attn_res"),
                    a.architecture().names().toString());
            a.weights()
                    .forEach((k, w) ->
                            assertArrayEquals(w.toFloatArray(), b.weight(k).toFloatArray(), k));
        }
    }
}
