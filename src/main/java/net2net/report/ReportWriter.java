package net2net.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import net2net.Net2NetException;
import net2net.io.AtomicFiles;

/**
 * Writes the replication report twice: {@code report.md}, which links the figures by relative path,
 * and a self-contained {@code report.html}, which embeds them as base64 PNG data URIs and carries its
 * own small stylesheet, so it opens from disk in any browser. Both files are written atomically.
 *
 * <p>Text is "markdown-ish": paragraphs are separated by blank lines, a block whose lines all start
 * with {@code "- "} is a bullet list, and {@code `code`} and {@code **bold**} are understood. The
 * Markdown file carries the text as given; in the HTML every user-provided string is escaped first.
 */
public final class ReportWriter {

    /** A table of already formatted cells; every row has as many cells as the header. */
    public record Table(List<String> header, List<List<String>> rows) {
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException("table row " + row + " has " + row.size()
                            + " cells but the header " + header + " has " + header.size());
                }
            }
        }
    }

    /** One section: a heading, text, then its tables, then its figures (PNG files). */
    public record Section(String heading, String paragraphText, List<Table> tables, List<Path> figurePngs) {
        public Section {
            Objects.requireNonNull(heading, "heading");
            paragraphText = paragraphText == null ? "" : paragraphText;
            tables = List.copyOf(tables);
            figurePngs = List.copyOf(figurePngs);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("[-+−]?[0-9][0-9,]*(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*[%×x]?");
    private static final Pattern PLACEHOLDER = Pattern.compile("|[-–—]|n/?a|N/?A|null");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern BOLD = Pattern.compile("\\*\\*([^*]+)\\*\\*");

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
                   max-width: 860px; margin: 2.5rem auto; padding: 0 1.2rem; line-height: 1.55; color: #1f1f1f; }
            h1 { font-size: 1.9rem; margin-bottom: 0.4rem; }
            h2 { font-size: 1.35rem; margin-top: 2.4rem; padding-bottom: 0.2rem; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; }
            th, td { padding: 0.3rem 0.75rem; text-align: left; border-bottom: 1px solid #e4e4e4; }
            th { border-bottom: 2px solid #999; font-weight: 600; }
            th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1.4rem 0; }
            figure img { width: 100%; max-width: 800px; height: auto; }
            code { background: #f2f2f2; padding: 0 0.25em; border-radius: 3px; font-size: 0.92em; }
            """;

    private ReportWriter() {}

    /**
     * Writes both reports.
     *
     * @param markdownOut the Markdown file; figure links are relative to its directory
     * @param htmlOut the self-contained HTML file
     * @param title report title
     * @param intro text before the first section (may be empty)
     */
    public static void write(Path markdownOut, Path htmlOut, String title, String intro, List<Section> sections) {
        for (Section s : sections) {
            for (Path png : s.figurePngs()) {
                if (!Files.isRegularFile(png)) {
                    throw new Net2NetException("figure " + png + " for section '" + s.heading()
                            + "' does not exist; draw the figures before writing the report");
                }
            }
        }
        AtomicFiles.writeString(markdownOut, markdown(markdownOut, title, intro, sections));
        AtomicFiles.writeString(htmlOut, html(title, intro, sections));
    }

    // ---- Markdown -----------------------------------------------------------------------------

    static String markdown(Path markdownOut, String title, String intro, List<Section> sections) {
        Path base = markdownOut.toAbsolutePath().normalize().getParent();
        StringBuilder md = new StringBuilder();
        md.append("# ").append(oneLine(title)).append("\n\n");
        if (!intro.isBlank()) {
            md.append(intro.strip()).append("\n\n");
        }
        for (Section s : sections) {
            md.append("## ").append(oneLine(s.heading())).append("\n\n");
            if (!s.paragraphText().isBlank()) {
                md.append(s.paragraphText().strip()).append("\n\n");
            }
            for (Table t : s.tables()) {
                md.append(markdownRow(t.header()));
                md.append("|").append("---|".repeat(t.header().size())).append('\n');
                for (List<String> row : t.rows()) {
                    md.append(markdownRow(row));
                }
                md.append('\n');
            }
            int n = 0;
            for (Path png : s.figurePngs()) {
                n++;
                String alt = oneLine(s.heading()) + (s.figurePngs().size() > 1 ? ", figure " + n : "");
                md.append("![")
                        .append(alt.replace("]", "\\]"))
                        .append("](")
                        .append(link(base, png))
                        .append(')');
                Path svg = sibling(png, ".svg");
                if (Files.isRegularFile(svg)) {
                    md.append("\n\n[SVG version](").append(link(base, svg)).append(')');
                }
                md.append("\n\n");
            }
        }
        return md.toString();
    }

    private static String markdownRow(List<String> cells) {
        StringBuilder row = new StringBuilder("|");
        for (String c : cells) {
            row.append(' ').append(oneLine(c).replace("|", "\\|")).append(" |");
        }
        return row.append('\n').toString();
    }

    /** The file's path relative to {@code base}, with forward slashes and URL-unsafe characters escaped. */
    private static String link(Path base, Path file) {
        Path target = file.toAbsolutePath().normalize();
        String rel;
        try {
            rel = base.relativize(target).toString();
        } catch (IllegalArgumentException differentRoots) {
            return target.toUri().toString();
        }
        return rel.replace('\\', '/')
                .replace("%", "%25")
                .replace(" ", "%20")
                .replace("(", "%28")
                .replace(")", "%29")
                .replace("<", "%3C")
                .replace(">", "%3E");
    }

    private static Path sibling(Path png, String extension) {
        String name = png.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return png.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    // ---- HTML ---------------------------------------------------------------------------------

    static String html(String title, String intro, List<Section> sections) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>")
                .append(Html.escape(oneLine(title)))
                .append("</title>\n")
                .append("<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n")
                .append("<h1>")
                .append(Html.escape(oneLine(title)))
                .append("</h1>\n");
        blocks(h, intro);
        for (Section s : sections) {
            h.append("<h2>").append(Html.escape(oneLine(s.heading()))).append("</h2>\n");
            blocks(h, s.paragraphText());
            for (Table t : s.tables()) {
                htmlTable(h, t);
            }
            int n = 0;
            for (Path png : s.figurePngs()) {
                n++;
                String alt = oneLine(s.heading()) + (s.figurePngs().size() > 1 ? ", figure " + n : "");
                h.append("<figure><img alt=\"")
                        .append(Html.escape(alt))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(read(png)))
                        .append("\"></figure>\n");
            }
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /** Paragraphs and bullet lists of markdown-ish text, escaped. */
    private static void blocks(StringBuilder h, String text) {
        for (String block : text.strip().split("\\n\\s*\\n")) {
            if (block.isBlank()) {
                continue;
            }
            List<String> lines = block.strip().lines().map(String::strip).toList();
            if (lines.stream().allMatch(l -> l.startsWith("- "))) {
                h.append("<ul>\n");
                for (String l : lines) {
                    h.append("<li>").append(inline(l.substring(2))).append("</li>\n");
                }
                h.append("</ul>\n");
            } else {
                h.append("<p>").append(inline(String.join(" ", lines))).append("</p>\n");
            }
        }
    }

    /** Escapes, then turns `code` and **bold** into elements (the markers survive escaping unchanged). */
    private static String inline(String s) {
        String escaped = Html.escape(s);
        escaped = CODE.matcher(escaped).replaceAll("<code>$1</code>");
        return BOLD.matcher(escaped).replaceAll("<strong>$1</strong>");
    }

    /**
     * A table; a column whose cells are all numbers (ignoring empty cells and placeholders such as
     * "—" or "n/a") is right-aligned, header included.
     */
    private static void htmlTable(StringBuilder h, Table t) {
        int columns = t.header().size();
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            final int col = c;
            List<String> cells = t.rows().stream()
                    .map(r -> r.get(col).strip())
                    .filter(x -> !PLACEHOLDER.matcher(x).matches())
                    .toList();
            numeric[c] = !cells.isEmpty()
                    && cells.stream().allMatch(x -> NUMBER.matcher(x).matches());
        }
        h.append("<table>\n<thead><tr>");
        for (int c = 0; c < columns; c++) {
            h.append(numeric[c] ? "<th class=\"num\">" : "<th>")
                    .append(Html.escape(t.header().get(c)))
                    .append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            for (int c = 0; c < columns; c++) {
                h.append(numeric[c] ? "<td class=\"num\">" : "<td>")
                        .append(Html.escape(row.get(c)))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Net2NetException(
                    "figure " + file + " does not exist; draw the figures before writing the report");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
