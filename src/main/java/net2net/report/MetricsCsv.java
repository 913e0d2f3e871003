package net2net.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.io.AtomicFiles;

/**
 * The curves of a replication as CSV, one {@link CurvePoint} per row, in the order given.
 *
 * <p>Numbers are written with {@link Double#toString} and {@link Long#toString}, which parse back to
 * exactly the same values, so {@code read(write(points)) == points}. Text fields are quoted only when
 * they contain a comma or a double quote (RFC 4180); line breaks inside fields are refused.
 */
public final class MetricsCsv {
    public static final String HEADER = "experiment,method,seed,epoch,examples,seconds,metric,value";
    private static final int COLUMNS = 8;

    private MetricsCsv() {}

    /** Writes the points to {@code csv} atomically (temporary file, then rename). */
    public static void write(Path csv, List<CurvePoint> points) {
        StringBuilder out = new StringBuilder(64 * (points.size() + 1));
        out.append(HEADER).append('\n');
        for (CurvePoint p : points) {
            out.append(field(p.experiment()))
                    .append(',')
                    .append(field(p.method()))
                    .append(',')
                    .append(p.seed())
                    .append(',')
                    .append(Double.toString(p.epoch()))
                    .append(',')
                    .append(p.examples())
                    .append(',')
                    .append(Double.toString(p.seconds()))
                    .append(',')
                    .append(field(p.metric()))
                    .append(',')
                    .append(Double.toString(p.value()))
                    .append('\n');
        }
        AtomicFiles.writeString(csv, out.toString());
    }

    /** Reads a file written by {@link #write}; any malformed line is reported with its line number. */
    public static List<CurvePoint> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Net2NetException("metrics file not found: " + csv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new Net2NetException(csv + " is not a metrics file: its first line must be '" + HEADER + "'");
        }
        List<CurvePoint> points = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            points.add(parse(line, csv, i + 1));
        }
        return points;
    }

    private static CurvePoint parse(String line, Path csv, int lineNumber) {
        List<String> f = split(line, csv, lineNumber);
        if (f.size() != COLUMNS) {
            throw new Net2NetException(csv + " line " + lineNumber + ": expected " + COLUMNS + " fields (" + HEADER
                    + ") but found " + f.size());
        }
        try {
            return new CurvePoint(
                    f.get(0),
                    f.get(1),
                    Integer.parseInt(f.get(2)),
                    Double.parseDouble(f.get(3)),
                    Long.parseLong(f.get(4)),
                    Double.parseDouble(f.get(5)),
                    f.get(6),
                    Double.parseDouble(f.get(7)));
        } catch (NumberFormatException e) {
            throw new Net2NetException(csv + " line " + lineNumber + ": bad number (" + e.getMessage()
                    + "); seed and examples must be integers, epoch, seconds and value decimals");
        }
    }

    /** Splits one line into fields, undoing the quoting of {@link #field}. */
    private static List<String> split(String line, Path csv, int lineNumber) {
        List<String> fields = new ArrayList<>(COLUMNS);
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (true) {
            cur.setLength(0);
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new Net2NetException(csv + " line " + lineNumber + ": unterminated quoted field");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new Net2NetException(csv + " line " + lineNumber + ": text after a closing quote");
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    cur.append(line.charAt(i++));
                }
            }
            fields.add(cur.toString());
            if (i >= line.length()) {
                return fields;
            }
            i++; // skip the comma
        }
    }

    private static String field(String s) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("CSV text fields cannot contain line breaks: " + s);
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
