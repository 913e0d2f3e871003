package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;

@Slow
class NotebookExperimentTest {
    @Test
    void notebookAndProperFigures() {
        JsonObject o = NotebookExperiment.run(new NotebookExperiment.Config(0, 10, 5, s -> {}))
                .json();
        JsonObject nb = o.getAsJsonObject("notebook");
        JsonObject pr = o.getAsJsonObject("proper");
        for (String k : List.of("teacher_loss", "student_widened_loss", "teacher_live_units")) {
            assertTrue(nb.has(k), "notebook." + k);
        }
        for (String k : List.of(
                "teacher_loss",
                "teacher_live_units",
                "wider_max_abs_diff",
                "notebook_wider_max_abs_diff",
                "deeper_max_abs_diff",
                "wider_trained_loss",
                "deeper_trained_loss",
                "random_init_wider_loss",
                "random_init_deeper_loss")) {
            assertTrue(pr.has(k), "proper." + k);
        }
        // On raw inputs the notebook's teacher is a constant function: no hidden unit is alive,
        // so widening it "preserves" a constant.
        assertEquals(0, nb.get("teacher_live_units").getAsInt());
        assertEquals(
                nb.get("teacher_loss").getAsDouble(),
                nb.get("student_widened_loss").getAsDouble(),
                1e-6);
        // Done properly the teacher computes a real function, and our transforms preserve it exactly.
        assertTrue(pr.get("teacher_live_units").getAsInt() >= 5, pr.toString());
        assertTrue(pr.get("teacher_loss").getAsDouble()
                < pr.get("mean_predictor_loss").getAsDouble());
        assertTrue(pr.get("wider_max_abs_diff").getAsDouble() <= 1e-5);
        assertTrue(pr.get("deeper_max_abs_diff").getAsDouble() <= 1e-5);
        assertTrue(
                pr.get("notebook_wider_max_abs_diff").getAsDouble() > 1e-2,
                "the notebook's widening changes the function");
    }
}
