package net2net.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Fast
class MetricsCsvTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryValueExactly() {
        List<CurvePoint> points = List.of(
                new CurvePoint("wider", "net2net", 1, 0.0, 0, 0.0, "test_accuracy", 0.7123456789012345),
                new CurvePoint("wider", "net2net", 1, 1.0 / 3, 16_667, 3.14159265358979, "test_accuracy", 0.1 + 0.2),
                new CurvePoint("wider", "random_pad", 2, 0.25, 12_500, 1e-9, "train_loss", 2.302585092994046),
                new CurvePoint("deeper", "teacher", -7, 12.75, 9_000_000_000L, 12345.678, "test_loss", Double.NaN),
                new CurvePoint(
                        "odd,\"key\"",
                        "with space",
                        0,
                        Double.MIN_VALUE,
                        Long.MAX_VALUE,
                        Double.MAX_VALUE,
                        "test_loss",
                        -0.0));
        Path csv = dir.resolve("metrics.csv");
        MetricsCsv.write(csv, points);
        assertEquals(points, MetricsCsv.read(csv));
    }

    @Test
    void writesTheHeaderAndOneRowPerPoint() throws IOException {
        Path csv = dir.resolve("m.csv");
        MetricsCsv.write(csv, List.of(new CurvePoint("seed", "random_init", 3, 0.5, 25, 2.5, "test_loss", 1.5)));
        assertEquals(
                List.of(MetricsCsv.HEADER, "seed,random_init,3,0.5,25,2.5,test_loss,1.5"), Files.readAllLines(csv));
    }

    @Test
    void emptyListRoundTrips() {
        Path csv = dir.resolve("empty.csv");
        MetricsCsv.write(csv, List.of());
        assertEquals(List.of(), MetricsCsv.read(csv));
    }

    @Test
    void rewritingLeavesNoTemporaryFiles() throws IOException {
        Path csv = dir.resolve("sub/metrics.csv");
        MetricsCsv.write(csv, List.of(new CurvePoint("a", "b", 1, 1, 1, 1, "test_loss", 1)));
        MetricsCsv.write(csv, List.of(new CurvePoint("a", "b", 1, 2, 2, 2, "test_loss", 2)));
        try (Stream<Path> files = Files.list(csv.getParent())) {
            assertEquals(List.of(csv), files.toList());
        }
        assertEquals(2.0, MetricsCsv.read(csv).get(0).epoch());
    }

    @Test
    void malformedFilesAreReportedWithTheLine() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(
                csv,
                MetricsCsv.HEADER + "\nwider,net2net,1,0.5,10,1.0,test_accuracy,0.5\n"
                        + "wider,net2net,one,0.5,10,1.0,test_accuracy,0.5\n");
        Net2NetException e = assertThrows(Net2NetException.class, () -> MetricsCsv.read(csv));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());

        Files.writeString(csv, MetricsCsv.HEADER + "\nwider,net2net,1,0.5\n");
        assertTrue(assertThrows(Net2NetException.class, () -> MetricsCsv.read(csv))
                .getMessage()
                .contains("line 2"));

        Files.writeString(csv, "epoch,value\n1,2\n");
        assertThrows(Net2NetException.class, () -> MetricsCsv.read(csv));
        assertThrows(Net2NetException.class, () -> MetricsCsv.read(dir.resolve("missing.csv")));
    }

    @Property(tries = 60)
    void anyPointsRoundTrip(
            @ForAll @Size(max = 20) List<@NotEmpty @Chars({',', '"', ' ', '_'}) @AlphaChars String> keys,
            @ForAll @Size(max = 20) List<Double> values,
            @ForAll long examples)
            throws IOException {
        List<CurvePoint> points = new ArrayList<>();
        for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
            double v = values.get(i);
            points.add(new CurvePoint(
                    keys.get(i), "m" + keys.get(i), i - 3, v / 7, examples + i, v * v, CurvePoint.TEST_ACCURACY, v));
        }
        Path csv = Files.createTempFile("metrics", ".csv"); // jqwik properties get no @TempDir
        try {
            MetricsCsv.write(csv, points);
            assertEquals(points, MetricsCsv.read(csv));
        } finally {
            Files.deleteIfExists(csv);
        }
    }
}
