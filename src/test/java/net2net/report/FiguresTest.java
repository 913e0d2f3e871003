package net2net.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.style.Styler;
import org.w3c.dom.Document;

@Fast
class FiguresTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    /** 3 methods with {@code seeds} seeds each, a point every quarter epoch in the first epoch. */
    static List<CurvePoint> synthetic(int seeds) {
        List<CurvePoint> p = new ArrayList<>();
        String[] methods = {"net2net", "random_pad", "random_init"};
        double[] start = {0.7, 0.6, 0.1};
        for (int m = 0; m < methods.length; m++) {
            for (int s = 0; s < seeds; s++) {
                double[] epochs = {0, 0.25, 0.5, 0.75, 1, 2, 3, 4, 5};
                for (double e : epochs) {
                    double acc = 0.8 - (0.8 - start[m]) * Math.exp(-e) + 0.01 * s;
                    long examples = Math.round(e * 50_000);
                    p.add(new CurvePoint("wider", methods[m], s, e, examples, 12.5 * e + s, "test_accuracy", acc));
                    p.add(new CurvePoint("wider", methods[m], s, e, examples, 12.5 * e + s, "test_loss", 2 - 2 * acc));
                }
            }
        }
        return p;
    }

    @Test
    void figuresAreRenderedHeadless() {
        Figures.accuracyFigure("t", synthetic(1), "examples", null, dir.resolve("a.png"), dir.resolve("a.svg"));
        assertEquals("true", System.getProperty("java.awt.headless"));
        assertTrue(GraphicsEnvironment.isHeadless());
    }

    @Test
    void accuracyFigureWithSeveralSeedsWritesPngAndSvg() throws Exception {
        Path png = dir.resolve("figs/wider.png");
        Path svg = dir.resolve("figs/wider.svg");
        Figures.accuracyFigure("Net2WiderNet <test> & co", synthetic(2), "examples", 0.712, png, svg);

        assertPng(png);
        Document doc = parseXml(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        String text = Files.readString(svg);
        for (String legend : List.of(
                "Net2Net (2 seeds)",
                "Random pad (2 seeds)",
                "Random init (2 seeds)",
                "Teacher final (71.2%)",
                "Shaded: min–max over seeds")) {
            assertTrue(text.contains(legend), legend);
        }
        assertTrue(text.contains("Net2WiderNet &lt;test&gt; &amp; co"), "title escaped");
        assertTrue(text.contains("fill:rgb(0,114,178);fill-opacity:"), "a translucent Net2Net band");
        assertTrue(text.contains("stroke:rgb(0,114,178)"), "a Net2Net line");
        assertTrue(text.contains("stroke-dasharray:6,4"), "the dashed reference line");
        assertTrue(text.contains("Training examples seen (thousands)"));
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(2, files.count(), "exactly the two requested files, no extra extension or temp file");
        }
    }

    @Test
    void oneSeedHasNoBandAndSecondsAxis() throws Exception {
        Path png = dir.resolve("one.png");
        Path svg = dir.resolve("one.svg");
        Figures.accuracyFigure("one seed", synthetic(1), "seconds", null, png, svg);
        assertPng(png);
        parseXml(svg);
        String text = Files.readString(svg);
        assertTrue(text.contains("Net2Net;"));
        assertFalse(text.contains("seeds"));
        assertFalse(text.contains("Teacher final"));
        assertFalse(text.contains("fill-opacity"), "no band");
        assertTrue(text.contains("Wall time (s)"));
    }

    @Test
    void lossFigureUsesTestLoss() throws Exception {
        Path png = dir.resolve("loss.png");
        Path svg = dir.resolve("loss.svg");
        Figures.lossFigure("loss", synthetic(2), "examples", png, svg);
        assertPng(png);
        assertTrue(Files.readString(svg).contains("y axis: Test loss"));
    }

    @Test
    void badInputIsRefused() {
        Path png = dir.resolve("x.png");
        Path svg = dir.resolve("x.svg");
        assertThrows(Net2NetException.class, () -> Figures.accuracyFigure("t", synthetic(1), "epochs", null, png, svg));
        List<CurvePoint> noAccuracy = synthetic(1).stream()
                .filter(p -> p.metric().equals("test_loss"))
                .toList();
        assertThrows(Net2NetException.class, () -> Figures.accuracyFigure("t", noAccuracy, "examples", null, png, svg));
        List<CurvePoint> twoExperiments = new ArrayList<>(synthetic(1));
        twoExperiments.addAll(Curves.accuracy("deeper", "net2net", 0, 10, 0.5, 0.6));
        assertThrows(
                Net2NetException.class, () -> Figures.accuracyFigure("t", twoExperiments, "examples", null, png, svg));
        assertFalse(Files.exists(png));
    }

    @Test
    void legendGoesToAFreeCornerOrOutside() {
        // Rising curves leave the lower right free.
        List<Line2D> rising = List.of(new Line2D.Double(0, 10, 1, 70), new Line2D.Double(1, 70, 10, 80));
        assertEquals(
                Styler.LegendPosition.InsideSE, Figures.legendPosition(rising, List.<Shape>of(), List.of("Net2Net")));
        // Falling curves leave the upper right free.
        List<Line2D> falling = List.of(new Line2D.Double(0, 2.3, 1, 1.0), new Line2D.Double(1, 1.0, 10, 0.5));
        assertEquals(
                Styler.LegendPosition.InsideNE, Figures.legendPosition(falling, List.<Shape>of(), List.of("Net2Net")));
        // Lines along all four edges occupy every corner.
        List<Line2D> frame = List.of(
                new Line2D.Double(0, 0, 10, 0),
                new Line2D.Double(0, 1, 10, 1),
                new Line2D.Double(0, 0, 0, 1),
                new Line2D.Double(10, 0, 10, 1));
        assertEquals(
                Styler.LegendPosition.OutsideE, Figures.legendPosition(frame, List.<Shape>of(), List.of("Net2Net")));
        // A band covering the lower right occupies it even though no line crosses it.
        Shape band = new Rectangle2D.Double(5, 0, 5, 40);
        assertEquals(
                Styler.LegendPosition.InsideNE,
                Figures.legendPosition(
                        List.of(new Line2D.Double(0, 0, 1, 0), new Line2D.Double(0, 80, 1, 80)),
                        List.of(band),
                        List.of("Net2Net")));
    }

    private static void assertPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Figures.WIDTH * Figures.PNG_SCALE, image.getWidth());
        assertEquals(Figures.HEIGHT * Figures.PNG_SCALE, image.getHeight());
        // Not blank: some pixel is far from white (the lines).
        int dark = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 300) {
                    dark++;
                }
            }
        }
        assertTrue(dark > 100, "the figure has drawn content");
    }

    static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(file.toFile());
    }
}
