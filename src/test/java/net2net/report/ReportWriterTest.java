package net2net.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net2net.Net2NetException;
import net2net.report.ReportWriter.Section;
import net2net.report.ReportWriter.Table;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Fast
class ReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesMarkdownWithLinksAndSelfContainedHtml() throws Exception {
        Path wider = dir.resolve("figures/wider.png");
        Path widerSvg = dir.resolve("figures/wider.svg");
        Path deeper = dir.resolve("figures/deeper.png");
        Figures.accuracyFigure("Wider", FiguresTest.synthetic(1), "examples", 0.7, wider, widerSvg);
        Figures.accuracyFigure(
                "Deeper", FiguresTest.synthetic(2), "examples", null, deeper, dir.resolve("figures/deeper.svg"));
        Table table = new Table(
                List.of("Method", "Final accuracy", "Note"),
                List.of(
                        List.of("Net2Net", "80.1%", "<script>alert(1)</script>"),
                        List.of("Random | init", "75.0%", ""),
                        List.of("Random pad", "—", "never reached")));
        List<Section> sections = List.of(
                new Section(
                        "Net2WiderNet",
                        "The student starts where the teacher ended.\n\nSecond `paragraph`.",
                        List.of(table),
                        List.of(wider)),
                new Section("Net2DeeperNet <b>", "- one\n- two **bold**", List.of(), List.of(deeper)));
        Path md = dir.resolve("report.md");
        Path html = dir.resolve("report.html");
        ReportWriter.write(md, html, "Net2Net <replication>", "Intro <script>alert('x')</script> & more.", sections);

        String m = Files.readString(md);
        assertTrue(m.startsWith("# Net2Net <replication>\n"));
        assertTrue(m.contains("![Net2WiderNet](figures/wider.png)"), m);
        assertTrue(m.contains("[SVG version](figures/wider.svg)"), m);
        assertTrue(m.contains("![Net2DeeperNet <b>](figures/deeper.png)"), m);
        assertTrue(m.contains("| Method | Final accuracy | Note |\n|---|---|---|\n"), m);
        assertTrue(m.contains("| Random \\| init | 75.0% |  |"), m);

        String h = Files.readString(html);
        assertFalse(h.toLowerCase().contains("<script"), "user text is escaped");
        assertTrue(h.contains("Intro &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more."));
        assertTrue(h.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
        assertTrue(h.contains("<title>Net2Net &lt;replication&gt;</title>"));
        assertTrue(h.contains("<h2>Net2DeeperNet &lt;b&gt;</h2>"));
        assertTrue(h.contains(
                "<p>The student starts where the teacher ended.</p>\n<p>Second <code>paragraph</code>.</p>"));
        assertTrue(h.contains("<ul>\n<li>one</li>\n<li>two <strong>bold</strong></li>\n</ul>"));
        assertTrue(h.contains("<th class=\"num\">Final accuracy</th>"));
        assertTrue(h.contains("<td class=\"num\">80.1%</td>"));
        assertTrue(h.contains("<td>Net2Net</td>"));
        assertFalse(h.contains("src=\"figures/"), "no external files");
        assertFalse(h.contains("<link") || h.contains("http://") || h.contains("https://"), "no external resources");

        // One embedded image per figure, holding exactly the PNG's bytes.
        Matcher img = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(h);
        assertTrue(img.find());
        assertEquals(Base64.getEncoder().encodeToString(Files.readAllBytes(wider)), img.group(1));
        assertTrue(img.find());
        assertEquals(Base64.getEncoder().encodeToString(Files.readAllBytes(deeper)), img.group(1));
        assertFalse(img.find());
    }

    @Test
    void missingFigureIsReportedAndNothingIsWritten() {
        Path md = dir.resolve("report.md");
        List<Section> sections = List.of(new Section("S", "", List.of(), List.of(dir.resolve("nope.png"))));
        Net2NetException e = assertThrows(
                Net2NetException.class, () -> ReportWriter.write(md, dir.resolve("report.html"), "T", "", sections));
        assertTrue(e.getMessage().contains("nope.png"));
        assertFalse(Files.exists(md));
    }

    @Test
    void tableRowsMustMatchTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> new Table(List.of("a", "b"), List.of(List.of("1"))));
    }
}
