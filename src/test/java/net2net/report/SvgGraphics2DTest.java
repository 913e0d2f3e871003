package net2net.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SvgGraphics2DTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void recordsShapesTextTransformsAndClips(@TempDir Path dir) throws Exception {
        SvgGraphics2D g = new SvgGraphics2D(200, 100);
        g.setColor(new Color(255, 0, 0, 128));
        g.fillRect(1, 2, 3, 4);
        g.translate(10, 20);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {3f, 1f}, 0f));
        g.setColor(Color.BLUE);
        g.drawLine(0, 0, 5, 5);
        g.setClip(new Rectangle(0, 0, 50, 50));
        assertEquals(new Rectangle(0, 0, 50, 50), g.getClipBounds(), "clip is reported in user space");
        g.drawString("a < b & \"c\"", 5f, 6f);
        g.setClip(null);
        g.scale(2, 2);
        g.fill(new Rectangle2D.Double(0, 0, 1, 1));
        String svg = g.toSvg("title", "legend text");

        assertTrue(svg.contains("<path d=\"M1 2L4 2L4 6L1 6L1 2Z\" fill=\"#ff0000\" fill-opacity=\"0.502\"/>"), svg);
        assertTrue(svg.contains("stroke=\"#0000ff\" stroke-width=\"2\" stroke-linecap=\"round\""), svg);
        assertTrue(svg.contains("stroke-dasharray=\"3,1\""), svg);
        assertTrue(svg.contains("transform=\"translate(10 20)\""), svg);
        assertTrue(svg.contains("<clipPath id=\"clip0\"><path d=\"M10 20L60 20L60 70L10 70L10 20Z\"/></clipPath>"), svg);
        assertTrue(svg.contains("<g clip-path=\"url(#clip0)\">"), svg);
        assertTrue(svg.contains(">a &lt; b &amp; &quot;c&quot;</text>"), svg);
        assertTrue(svg.contains("transform=\"matrix(2 0 0 2 10 20)\""), svg);
        assertTrue(svg.contains("<desc>legend text</desc>"), svg);

        Path file = dir.resolve("t.svg");
        Files.writeString(file, svg);
        Document doc = FiguresTest.parseXml(file);
        assertEquals(1, doc.getElementsByTagName("text").getLength());
        assertEquals(1, doc.getElementsByTagName("g").getLength());
    }
}
