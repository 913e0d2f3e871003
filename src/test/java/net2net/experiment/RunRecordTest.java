package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net2net.testing.Fast;
import net2net.train.EpochMetrics;
import net2net.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's record reads back bit for bit, and is ignored when it is not the run asked for. */
@Fast
class RunRecordTest {
    @TempDir
    Path dir;

    static Replication.Run run(Double validation, boolean[] correct) {
        return new Replication.Run(
                "wider/net2net",
                2,
                1,
                0.01,
                Schedule.WARMUP_COSINE,
                List.of(
                        new EpochMetrics(0, 0, 0, Double.NaN, 2.302585092994046, 0.1),
                        new EpochMetrics(1, 55_000, 33.123456789, 0.4012345678901234, 0.3, 0.8912),
                        new EpochMetrics(2, 110_000, 66.1, 0.1 + 0.2, 0.29, 0.9123)),
                110_000,
                66.1,
                1_355_264,
                validation,
                correct,
                true);
    }

    @Test
    void readsBackEveryFieldExactly() {
        // 13 images: the bits do not fill the last byte, and the last image is wrong (a trailing zero)
        boolean[] correct = {true, false, true, true, false, false, true, true, true, false, true, true, false};
        Replication.Run written = run(0.9318, correct);
        RunRecord.write(dir, written);
        Replication.Run read = RunRecord.read(dir, "wider/net2net", 2, 1, 0.01);
        assertEquals(written.metrics(), read.metrics());
        assertEquals(0.1 + 0.2, read.metrics().get(2).trainLoss()); // not rounded on the way
        assertEquals(written.examples(), read.examples());
        assertEquals(written.seconds(), read.seconds());
        assertEquals(written.forwardMacs(), read.forwardMacs());
        assertEquals(written.validationAccuracy(), read.validationAccuracy());
        assertEquals(written.schedule(), read.schedule());
        assertArrayEquals(correct, read.testCorrect());
        assertFalse(read.thisInvocation()); // its wall time is from another invocation
        assertEquals(written.trainMacs(), read.trainMacs());
    }

    @Test
    void keepsAbsentEvaluationsAbsent() {
        RunRecord.write(dir, run(null, null));
        Replication.Run read = RunRecord.read(dir, "wider/net2net", 2, 1, 0.01);
        assertNull(read.validationAccuracy());
        assertNull(read.testCorrect());
    }

    @Test
    void isIgnoredWhenAbsentDamagedOrOfAnotherRun() throws Exception {
        assertNull(RunRecord.read(dir, "wider/net2net", 2, 1, 0.01));
        RunRecord.write(dir, run(0.9, null));
        assertNull(RunRecord.read(dir, "wider/random_pad", 2, 1, 0.01));
        assertNull(RunRecord.read(dir, "wider/net2net", 5, 1, 0.01));
        assertNull(RunRecord.read(dir, "wider/net2net", 2, 0, 0.01));
        assertNull(RunRecord.read(dir, "wider/net2net", 2, 1, 0.02));
        Files.writeString(dir.resolve(RunRecord.FILE), "{\"format\": \"net2net-replication-run\", \"vers");
        assertNull(RunRecord.read(dir, "wider/net2net", 2, 1, 0.01));
    }
}
