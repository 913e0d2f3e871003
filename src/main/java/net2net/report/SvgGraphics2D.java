package net2net.report;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.GraphicsConfiguration;
import java.awt.Image;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint;
import java.awt.Paint;
import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.BufferedImageOp;
import java.awt.image.ImageObserver;
import java.awt.image.RenderedImage;
import java.awt.image.renderable.RenderableImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.AttributedCharacterIterator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javax.imageio.ImageIO;

/**
 * A {@link Graphics2D} that records what is drawn as an SVG document. XChart paints its charts into
 * it exactly as into a bitmap, so the SVG shows the same figure as the PNG. (XChart's own SVG export
 * needs the VectorGraphics2D library, which is not on this project's class path.)
 *
 * <p>Shapes become {@code <path>} elements in user space with the current transform as a
 * {@code transform} attribute, so stroke widths scale as in Java2D. The clip is kept in device space
 * and applied by wrapping groups. {@code drawString} becomes {@code <text>}; XChart itself draws text
 * as glyph outlines, which become paths (the SVG then needs no fonts). Paints may be colours or linear
 * gradients; composites other than source-over alpha are drawn as source-over.
 */
final class SvgGraphics2D extends Graphics2D {

    /** The document being built, shared by this graphics and the copies made by {@link #create()}. */
    private static final class Doc {
        final StringBuilder defs = new StringBuilder();
        final StringBuilder body = new StringBuilder();
        final Map<String, String> clipIds = new HashMap<>(); // clip path data -> id
        final Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        int nextId;
        String openClip; // id of the clip group open at the end of body, or null
    }

    private final Doc doc;
    private final int width;
    private final int height;
    private AffineTransform transform = new AffineTransform();
    private Shape clip; // device space; null means unclipped
    private Paint paint = Color.BLACK;
    private Color background = Color.WHITE;
    private Stroke stroke = new BasicStroke(1f);
    private Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private Composite composite = AlphaComposite.SrcOver;
    private final RenderingHints hints = new RenderingHints(null);

    SvgGraphics2D(int width, int height) {
        this.doc = new Doc();
        this.width = width;
        this.height = height;
    }

    private SvgGraphics2D(SvgGraphics2D g) {
        this.doc = g.doc;
        this.width = g.width;
        this.height = g.height;
        this.transform = new AffineTransform(g.transform);
        this.clip = g.clip;
        this.paint = g.paint;
        this.background = g.background;
        this.stroke = g.stroke;
        this.font = g.font;
        this.composite = g.composite;
        this.hints.putAll(g.hints);
    }

    /** The complete SVG document; {@code title} and {@code description} become its title and desc elements. */
    String toSvg(String title, String description) {
        StringBuilder s = new StringBuilder(doc.body.length() + doc.defs.length() + 512);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"")
                .append(" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n")
                .append("<desc>").append(Html.escape(description)).append("</desc>\n")
                .append("<defs>\n").append(doc.defs).append("</defs>\n")
                .append(doc.body);
        if (doc.openClip != null) {
            s.append("</g>\n");
        }
        return s.append("</svg>\n").toString();
    }

    // ---- drawing -------------------------------------------------------------------------------

    @Override
    public void draw(Shape s) {
        if (stroke instanceof BasicStroke b) {
            String d = pathData(s);
            if (!d.isEmpty()) {
                element("<path d=\"" + d + "\" fill=\"none\"" + paintAttributes("stroke") + strokeAttributes(b)
                        + transformAttribute(transform) + "/>");
            }
        } else {
            fill(stroke.createStrokedShape(s));
        }
    }

    @Override
    public void fill(Shape s) {
        String d = pathData(s);
        if (d.isEmpty()) {
            return;
        }
        String rule = s.getPathIterator(null).getWindingRule() == PathIterator.WIND_EVEN_ODD
                ? " fill-rule=\"evenodd\"" : "";
        element("<path d=\"" + d + "\"" + paintAttributes("fill") + rule + transformAttribute(transform) + "/>");
    }

    @Override
    public void drawString(String str, float x, float y) {
        if (str.isEmpty()) {
            return;
        }
        String family = font.getFamily(Locale.ROOT);
        String generic = family.toLowerCase(Locale.ROOT).contains("mono") ? "monospace"
                : family.toLowerCase(Locale.ROOT).contains("serif") && !family.toLowerCase(Locale.ROOT).contains("sans")
                ? "serif" : "sans-serif";
        element("<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-family=\"" + Html.escape(family) + ", "
                + generic + "\" font-size=\"" + num(font.getSize2D()) + "\""
                + (font.isBold() ? " font-weight=\"bold\"" : "") + (font.isItalic() ? " font-style=\"italic\"" : "")
                + paintAttributes("fill") + transformAttribute(transform) + " xml:space=\"preserve\">"
                + Html.escape(str) + "</text>");
    }

    @Override
    public void drawString(String str, int x, int y) {
        drawString(str, (float) x, (float) y);
    }

    @Override
    public void drawString(AttributedCharacterIterator iterator, float x, float y) {
        TextLayout layout = new TextLayout(iterator, getFontRenderContext());
        fill(layout.getOutline(AffineTransform.getTranslateInstance(x, y)));
    }

    @Override
    public void drawString(AttributedCharacterIterator iterator, int x, int y) {
        drawString(iterator, (float) x, (float) y);
    }

    @Override
    public void drawGlyphVector(GlyphVector g, float x, float y) {
        fill(g.getOutline(x, y));
    }

    @Override
    public void drawRenderedImage(RenderedImage img, AffineTransform xform) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AffineTransform t = new AffineTransform(transform);
        t.concatenate(xform);
        element("<image x=\"" + img.getMinX() + "\" y=\"" + img.getMinY() + "\" width=\"" + img.getWidth()
                + "\" height=\"" + img.getHeight() + "\"" + transformAttribute(t)
                + " xlink:href=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray())
                + "\"/>");
    }

    @Override
    public void drawRenderableImage(RenderableImage img, AffineTransform xform) {
        drawRenderedImage(img.createDefaultRendering(), xform);
    }

    @Override
    public boolean drawImage(Image img, AffineTransform xform, ImageObserver obs) {
        BufferedImage b = toBuffered(img, obs);
        if (b == null) {
            return false;
        }
        drawRenderedImage(b, xform == null ? new AffineTransform() : xform);
        return true;
    }

    @Override
    public void drawImage(BufferedImage img, BufferedImageOp op, int x, int y) {
        BufferedImage filtered = op == null ? img : op.filter(img, null);
        drawRenderedImage(filtered, AffineTransform.getTranslateInstance(x, y));
    }

    @Override
    public boolean drawImage(Image img, int x, int y, ImageObserver observer) {
        return drawImage(img, AffineTransform.getTranslateInstance(x, y), observer);
    }

    @Override
    public boolean drawImage(Image img, int x, int y, Color bgcolor, ImageObserver observer) {
        BufferedImage b = toBuffered(img, observer);
        if (b == null) {
            return false;
        }
        return drawImage(b, x, y, b.getWidth(), b.getHeight(), bgcolor, observer);
    }

    @Override
    public boolean drawImage(Image img, int x, int y, int w, int h, ImageObserver observer) {
        return drawImage(img, x, y, w, h, null, observer);
    }

    @Override
    public boolean drawImage(Image img, int x, int y, int w, int h, Color bgcolor, ImageObserver observer) {
        BufferedImage b = toBuffered(img, observer);
        if (b == null) {
            return false;
        }
        return drawImage(b, x, y, x + w, y + h, 0, 0, b.getWidth(), b.getHeight(), bgcolor, observer);
    }

    @Override
    public boolean drawImage(Image img, int dx1, int dy1, int dx2, int dy2, int sx1, int sy1, int sx2, int sy2,
                             ImageObserver observer) {
        return drawImage(img, dx1, dy1, dx2, dy2, sx1, sy1, sx2, sy2, null, observer);
    }

    /** Draws source rectangle (sx1, sy1)–(sx2, sy2) into destination (dx1, dy1)–(dx2, dy2); flips allowed. */
    @Override
    public boolean drawImage(Image img, int dx1, int dy1, int dx2, int dy2, int sx1, int sy1, int sx2, int sy2,
                             Color bgcolor, ImageObserver observer) {
        BufferedImage b = toBuffered(img, observer);
        if (b == null) {
            return false;
        }
        if (sx1 == sx2 || sy1 == sy2 || dx1 == dx2 || dy1 == dy2) {
            return true;
        }
        if (bgcolor != null) {
            Paint saved = paint;
            setPaint(bgcolor);
            fill(new Rectangle(Math.min(dx1, dx2), Math.min(dy1, dy2), Math.abs(dx2 - dx1), Math.abs(dy2 - dy1)));
            setPaint(saved);
        }
        int left = Math.min(sx1, sx2);
        int top = Math.min(sy1, sy2);
        BufferedImage crop = b.getSubimage(left, top, Math.abs(sx2 - sx1), Math.abs(sy2 - sy1));
        AffineTransform t = AffineTransform.getTranslateInstance(dx1, dy1);
        t.scale((double) (dx2 - dx1) / (sx2 - sx1), (double) (dy2 - dy1) / (sy2 - sy1));
        t.translate(left - sx1, top - sy1);
        drawRenderedImage(crop, t);
        return true;
    }

    @Override
    public void drawLine(int x1, int y1, int x2, int y2) {
        draw(new Line2D.Float(x1, y1, x2, y2));
    }

    @Override
    public void fillRect(int x, int y, int width, int height) {
        fill(new Rectangle(x, y, width, height));
    }

    @Override
    public void clearRect(int x, int y, int width, int height) {
        Paint savedPaint = paint;
        Composite savedComposite = composite;
        paint = background;
        composite = AlphaComposite.Src;
        fill(new Rectangle(x, y, width, height));
        paint = savedPaint;
        composite = savedComposite;
    }

    @Override
    public void drawRoundRect(int x, int y, int width, int height, int arcWidth, int arcHeight) {
        draw(new RoundRectangle2D.Float(x, y, width, height, arcWidth, arcHeight));
    }

    @Override
    public void fillRoundRect(int x, int y, int width, int height, int arcWidth, int arcHeight) {
        fill(new RoundRectangle2D.Float(x, y, width, height, arcWidth, arcHeight));
    }

    @Override
    public void drawOval(int x, int y, int width, int height) {
        draw(new Ellipse2D.Float(x, y, width, height));
    }

    @Override
    public void fillOval(int x, int y, int width, int height) {
        fill(new Ellipse2D.Float(x, y, width, height));
    }

    @Override
    public void drawArc(int x, int y, int width, int height, int startAngle, int arcAngle) {
        draw(new Arc2D.Float(x, y, width, height, startAngle, arcAngle, Arc2D.OPEN));
    }

    @Override
    public void fillArc(int x, int y, int width, int height, int startAngle, int arcAngle) {
        fill(new Arc2D.Float(x, y, width, height, startAngle, arcAngle, Arc2D.PIE));
    }

    @Override
    public void drawPolyline(int[] xPoints, int[] yPoints, int nPoints) {
        if (nPoints < 2) {
            return;
        }
        Path2D.Float p = new Path2D.Float();
        p.moveTo(xPoints[0], yPoints[0]);
        for (int i = 1; i < nPoints; i++) {
            p.lineTo(xPoints[i], yPoints[i]);
        }
        draw(p);
    }

    @Override
    public void drawPolygon(int[] xPoints, int[] yPoints, int nPoints) {
        draw(new Polygon(xPoints, yPoints, nPoints));
    }

    @Override
    public void fillPolygon(int[] xPoints, int[] yPoints, int nPoints) {
        fill(new Polygon(xPoints, yPoints, nPoints));
    }

    /** Vector output has no pixels to copy. */
    @Override
    public void copyArea(int x, int y, int width, int height, int dx, int dy) {
        throw new UnsupportedOperationException("copyArea cannot be recorded as SVG");
    }

    @Override
    public boolean hit(Rectangle rect, Shape s, boolean onStroke) {
        Shape shape = onStroke ? stroke.createStrokedShape(s) : s;
        Shape device = transform.createTransformedShape(shape);
        if (clip != null) {
            Area a = new Area(device);
            a.intersect(new Area(clip));
            device = a;
        }
        return device.intersects(rect);
    }

    // ---- state ---------------------------------------------------------------------------------

    @Override
    public Graphics create() {
        return new SvgGraphics2D(this);
    }

    @Override
    public void dispose() {
        // Nothing to release: the document lives on in the graphics it was created from.
    }

    @Override
    public GraphicsConfiguration getDeviceConfiguration() {
        return doc.scratch.getDeviceConfiguration();
    }

    @Override
    public void setComposite(Composite comp) {
        composite = comp;
    }

    @Override
    public Composite getComposite() {
        return composite;
    }

    /** Accepts colours and linear gradients, the paints SVG can show without rasterising. */
    @Override
    public void setPaint(Paint paint) {
        if (paint == null) {
            return;
        }
        if (!(paint instanceof Color || paint instanceof GradientPaint || paint instanceof LinearGradientPaint)) {
            throw new UnsupportedOperationException("SVG output supports colours and linear gradients, not "
                    + paint.getClass().getSimpleName());
        }
        this.paint = paint;
    }

    @Override
    public Paint getPaint() {
        return paint;
    }

    @Override
    public void setColor(Color c) {
        setPaint(c);
    }

    @Override
    public Color getColor() {
        return paint instanceof Color c ? c : Color.BLACK;
    }

    @Override
    public void setPaintMode() {
        composite = AlphaComposite.SrcOver;
    }

    /** XOR drawing depends on the pixels underneath, which vector output does not have. */
    @Override
    public void setXORMode(Color c1) {
        throw new UnsupportedOperationException("XOR mode cannot be recorded as SVG");
    }

    @Override
    public void setStroke(Stroke s) {
        stroke = s;
    }

    @Override
    public Stroke getStroke() {
        return stroke;
    }

    @Override
    public void setFont(Font font) {
        if (font != null) {
            this.font = font;
        }
    }

    @Override
    public Font getFont() {
        return font;
    }

    @Override
    public FontMetrics getFontMetrics(Font f) {
        doc.scratch.setRenderingHints(hints);
        return doc.scratch.getFontMetrics(f);
    }

    @Override
    public FontRenderContext getFontRenderContext() {
        AffineTransform noTranslation = new AffineTransform(transform.getScaleX(), transform.getShearY(),
                transform.getShearX(), transform.getScaleY(), 0, 0);
        Object aa = hints.get(RenderingHints.KEY_TEXT_ANTIALIASING);
        Object fm = hints.get(RenderingHints.KEY_FRACTIONALMETRICS);
        return new FontRenderContext(noTranslation,
                aa == null ? RenderingHints.VALUE_TEXT_ANTIALIAS_DEFAULT : aa,
                fm == null ? RenderingHints.VALUE_FRACTIONALMETRICS_DEFAULT : fm);
    }

    @Override
    public void setBackground(Color color) {
        background = color;
    }

    @Override
    public Color getBackground() {
        return background;
    }

    @Override
    public void setRenderingHint(RenderingHints.Key hintKey, Object hintValue) {
        hints.put(hintKey, hintValue);
    }

    @Override
    public Object getRenderingHint(RenderingHints.Key hintKey) {
        return hints.get(hintKey);
    }

    @Override
    public void setRenderingHints(Map<?, ?> newHints) {
        hints.clear();
        hints.putAll(newHints);
    }

    @Override
    public void addRenderingHints(Map<?, ?> newHints) {
        hints.putAll(newHints);
    }

    @Override
    public RenderingHints getRenderingHints() {
        return (RenderingHints) hints.clone();
    }

    @Override
    public void translate(int x, int y) {
        transform.translate(x, y);
    }

    @Override
    public void translate(double tx, double ty) {
        transform.translate(tx, ty);
    }

    @Override
    public void rotate(double theta) {
        transform.rotate(theta);
    }

    @Override
    public void rotate(double theta, double x, double y) {
        transform.rotate(theta, x, y);
    }

    @Override
    public void scale(double sx, double sy) {
        transform.scale(sx, sy);
    }

    @Override
    public void shear(double shx, double shy) {
        transform.shear(shx, shy);
    }

    @Override
    public void transform(AffineTransform tx) {
        transform.concatenate(tx);
    }

    @Override
    public void setTransform(AffineTransform tx) {
        transform = new AffineTransform(tx);
    }

    @Override
    public AffineTransform getTransform() {
        return new AffineTransform(transform);
    }

    // ---- clip (kept in device space; the API speaks user space) ------------------------------------

    @Override
    public Shape getClip() {
        if (clip == null) {
            return null;
        }
        try {
            return transform.createInverse().createTransformedShape(clip);
        } catch (NoninvertibleTransformException e) {
            return null;
        }
    }

    @Override
    public Rectangle getClipBounds() {
        Shape c = getClip();
        return c == null ? null : c.getBounds();
    }

    @Override
    public void setClip(Shape userClip) {
        clip = userClip == null ? null : transform.createTransformedShape(userClip);
    }

    @Override
    public void setClip(int x, int y, int width, int height) {
        setClip(new Rectangle(x, y, width, height));
    }

    @Override
    public void clip(Shape s) {
        Shape device = transform.createTransformedShape(s);
        if (clip == null) {
            clip = device;
        } else {
            Area a = new Area(clip);
            a.intersect(new Area(device));
            clip = a;
        }
    }

    @Override
    public void clipRect(int x, int y, int width, int height) {
        clip(new Rectangle(x, y, width, height));
    }

    // ---- SVG text ------------------------------------------------------------------------------

    /** Appends one element, first switching the open clip group if the clip changed. */
    private void element(String svg) {
        String clipId = clipId();
        if (!Objects.equals(clipId, doc.openClip)) {
            if (doc.openClip != null) {
                doc.body.append("</g>\n");
            }
            if (clipId != null) {
                doc.body.append("<g clip-path=\"url(#").append(clipId).append(")\">\n");
            }
            doc.openClip = clipId;
        }
        doc.body.append(svg).append('\n');
    }

    /** The id of a clipPath for the current clip, defined on first use; null when unclipped. */
    private String clipId() {
        if (clip == null) {
            return null;
        }
        String d = pathData(clip);
        return doc.clipIds.computeIfAbsent(d, key -> {
            String id = "clip" + doc.nextId++;
            doc.defs.append("<clipPath id=\"").append(id).append("\"><path d=\"").append(key)
                    .append("\"/></clipPath>\n");
            return id;
        });
    }

    private String paintAttributes(String kind) {
        double alpha = composite instanceof AlphaComposite a && a.getRule() == AlphaComposite.SRC_OVER
                ? a.getAlpha() : 1.0;
        String value;
        if (paint instanceof Color c) {
            value = hex(c);
            alpha *= c.getAlpha() / 255.0;
        } else {
            value = "url(#" + gradient() + ")";
        }
        return " " + kind + "=\"" + value + "\"" + (alpha < 1 ? " " + kind + "-opacity=\"" + num(alpha) + "\"" : "");
    }

    /** Defines the current gradient paint (in the user space of the element that uses it) and returns its id. */
    private String gradient() {
        String id = "grad" + doc.nextId++;
        StringBuilder g = new StringBuilder("<linearGradient id=\"" + id + "\" gradientUnits=\"userSpaceOnUse\"");
        if (paint instanceof GradientPaint gp) {
            g.append(" x1=\"").append(num(gp.getPoint1().getX())).append("\" y1=\"").append(num(gp.getPoint1().getY()))
                    .append("\" x2=\"").append(num(gp.getPoint2().getX())).append("\" y2=\"")
                    .append(num(gp.getPoint2().getY())).append('"')
                    .append(gp.isCyclic() ? " spreadMethod=\"reflect\">" : ">");
            stop(g, 0, gp.getColor1());
            stop(g, 1, gp.getColor2());
        } else {
            LinearGradientPaint lp = (LinearGradientPaint) paint;
            g.append(" x1=\"").append(num(lp.getStartPoint().getX())).append("\" y1=\"")
                    .append(num(lp.getStartPoint().getY())).append("\" x2=\"").append(num(lp.getEndPoint().getX()))
                    .append("\" y2=\"").append(num(lp.getEndPoint().getY())).append('"');
            MultipleGradientPaint.CycleMethod cycle = lp.getCycleMethod();
            g.append(cycle == MultipleGradientPaint.CycleMethod.REFLECT ? " spreadMethod=\"reflect\">"
                    : cycle == MultipleGradientPaint.CycleMethod.REPEAT ? " spreadMethod=\"repeat\">" : ">");
            for (int i = 0; i < lp.getFractions().length; i++) {
                stop(g, lp.getFractions()[i], lp.getColors()[i]);
            }
        }
        doc.defs.append(g).append("</linearGradient>\n");
        return id;
    }

    private static void stop(StringBuilder g, double offset, Color c) {
        g.append("<stop offset=\"").append(num(offset)).append("\" stop-color=\"").append(hex(c)).append('"');
        if (c.getAlpha() < 255) {
            g.append(" stop-opacity=\"").append(num(c.getAlpha() / 255.0)).append('"');
        }
        g.append("/>");
    }

    private static String strokeAttributes(BasicStroke b) {
        StringBuilder s = new StringBuilder(" stroke-width=\"" + num(b.getLineWidth()) + "\"");
        s.append(switch (b.getEndCap()) {
            case BasicStroke.CAP_ROUND -> " stroke-linecap=\"round\"";
            case BasicStroke.CAP_SQUARE -> " stroke-linecap=\"square\"";
            default -> "";
        });
        s.append(switch (b.getLineJoin()) {
            case BasicStroke.JOIN_ROUND -> " stroke-linejoin=\"round\"";
            case BasicStroke.JOIN_BEVEL -> " stroke-linejoin=\"bevel\"";
            default -> " stroke-miterlimit=\"" + num(b.getMiterLimit()) + "\"";
        });
        float[] dash = b.getDashArray();
        if (dash != null && dash.length > 0) {
            s.append(" stroke-dasharray=\"");
            for (int i = 0; i < dash.length; i++) {
                s.append(i > 0 ? "," : "").append(num(dash[i]));
            }
            s.append('"');
            if (b.getDashPhase() != 0) {
                s.append(" stroke-dashoffset=\"").append(num(b.getDashPhase())).append('"');
            }
        }
        return s.toString();
    }

    private static String transformAttribute(AffineTransform t) {
        if (t.isIdentity()) {
            return "";
        }
        if (t.getType() == AffineTransform.TYPE_TRANSLATION) {
            return " transform=\"translate(" + num(t.getTranslateX()) + " " + num(t.getTranslateY()) + ")\"";
        }
        return " transform=\"matrix(" + num(t.getScaleX()) + " " + num(t.getShearY()) + " " + num(t.getShearX())
                + " " + num(t.getScaleY()) + " " + num(t.getTranslateX()) + " " + num(t.getTranslateY()) + ")\"";
    }

    private static String pathData(Shape s) {
        StringBuilder d = new StringBuilder();
        double[] c = new double[6];
        for (PathIterator it = s.getPathIterator(null); !it.isDone(); it.next()) {
            switch (it.currentSegment(c)) {
                case PathIterator.SEG_MOVETO -> d.append('M').append(num(c[0])).append(' ').append(num(c[1]));
                case PathIterator.SEG_LINETO -> d.append('L').append(num(c[0])).append(' ').append(num(c[1]));
                case PathIterator.SEG_QUADTO -> d.append('Q').append(num(c[0])).append(' ').append(num(c[1]))
                        .append(' ').append(num(c[2])).append(' ').append(num(c[3]));
                case PathIterator.SEG_CUBICTO -> d.append('C').append(num(c[0])).append(' ').append(num(c[1]))
                        .append(' ').append(num(c[2])).append(' ').append(num(c[3]))
                        .append(' ').append(num(c[4])).append(' ').append(num(c[5]));
                case PathIterator.SEG_CLOSE -> d.append('Z');
                default -> throw new IllegalStateException("unknown path segment");
            }
        }
        return d.toString();
    }

    private static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** A coordinate with at most 3 decimals and no trailing zeros. */
    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        long scaled = Math.round(v * 1000);
        if (scaled % 1000 == 0) {
            return Long.toString(scaled / 1000);
        }
        String s = String.format(Locale.ROOT, "%.3f", scaled / 1000.0);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }

    /** The image as a BufferedImage, or null while it is still loading. */
    private static BufferedImage toBuffered(Image img, ImageObserver observer) {
        if (img instanceof BufferedImage b) {
            return b;
        }
        int w = img.getWidth(observer);
        int h = img.getHeight(observer);
        if (w < 0 || h < 0) {
            return null;
        }
        BufferedImage b = new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = b.createGraphics();
        try {
            if (!g.drawImage(img, 0, 0, observer)) {
                return null;
            }
        } finally {
            g.dispose();
        }
        return b;
    }
}
