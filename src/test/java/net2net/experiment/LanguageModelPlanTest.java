package net2net.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net2net.spec.Architecture;
import net2net.spec.Presets;
import net2net.spec.TransformerLayers;
import net2net.testing.Fast;
import net2net.train.GrowInRun;
import org.junit.jupiter.api.Test;

/**
 * The language-model experiment's plan, MAC counts, target interpolation and verdict rules on
 * hand-made numbers (docs/lm-experiment.md).
 */
@Fast
class LanguageModelPlanTest {
    static final int V = 100;

    @Test
    void theEtaPlansEveryRunOnceWithTheGridsChosenRunReused() {
        LanguageModelExperiment.Settings full = LanguageModelExperiment.Settings.named("full");
        var planned = LanguageModelExperiment.plannedRuns(full);
        int arms = LanguageModelExperiment.ARMS.size();
        // 5 arms x 4 rates at S = 1000, then 3 seeds x 3 budgets x 5 arms less seed 0's S = 1000 (the grid's)
        assertEquals(arms * 4 + (3 * 3 - 1) * arms, planned.size());
        assertEquals(
                arms * 4, planned.stream().filter(r -> r.getValue() == 1000).count() - 2 * arms);
        LanguageModelExperiment.Settings quick = LanguageModelExperiment.Settings.named("quick");
        assertEquals(2 * arms, LanguageModelExperiment.plannedRuns(quick).size(), "fixed rate: no grid");
    }

    @Test
    void growthPointsSitAtAQuarterAndAHalfOfTheBudget() {
        var once = LanguageModelExperiment.plan("grow_once", 1000, V);
        assertEquals(
                List.of("step250:widen wte=64 h0_attn.heads=4 h0_fc=256", "step250:deepen after=h0_mlp_res"),
                once.growth());
        assertEquals(GrowInRun.StateMode.KEEP, once.state());
        assertEquals(
                GrowInRun.StateMode.RESET,
                LanguageModelExperiment.plan("grow_once_reset", 1000, V).state());
        var prog = LanguageModelExperiment.plan("progressive", 1000, V);
        assertEquals(
                List.of("step250:widen wte=64 h0_attn.heads=4 h0_fc=256", "step500:deepen after=h0_mlp_res"),
                prog.growth());
        assertEquals(
                List.of(0L, 250L, 500L),
                prog.phases().stream().map(p -> p.from()).toList());
        assertEquals(
                List.of(250L, 500L, 1000L),
                prog.phases().stream().map(p -> p.to()).toList());
        assertEquals(List.of(), LanguageModelExperiment.plan("scratch", 1000, V).growth());
        // S not a multiple of 4: the points round down
        assertEquals(
                "step125:deepen after=h0_mlp_res",
                LanguageModelExperiment.plan("progressive", 250, V).growth().get(1));
        assertEquals(
                "step62:widen wte=64 h0_attn.heads=4 h0_fc=256",
                LanguageModelExperiment.plan("grow_once_noninteger", 250, V)
                        .growth()
                        .get(0));
    }

    @Test
    void modelsHaveTheProtocolsShapes() {
        // the full model is the tinygpt preset exactly
        assertEquals(
                Presets.get("tinygpt", 1, V, 64).parameterShapes(),
                LanguageModelExperiment.full(V).parameterShapes());
        Architecture half = LanguageModelExperiment.half(V);
        assertEquals(2, ((TransformerLayers.Attention) half.locate("h0_attn").layer()).heads());
        assertEquals(16, ((TransformerLayers.Attention) half.locate("h0_attn").layer()).headDim());
        assertEquals(32, ((TransformerLayers.Embedding) half.layers().get(0)).dim());
        assertEquals(
                48,
                ((TransformerLayers.Embedding)
                                LanguageModelExperiment.nonInteger(V).layers().get(0))
                        .dim());
        assertEquals(6, half.layers().size()); // wte, wpe, 1 block (2 residuals), ln_f, lm_head
    }

    @Test
    void macsOfTinygptByHand() {
        // per block, T = 64, d = 64, 4 heads of 16: q, k, v, o 4 x T d d; scores and values 2 T T d; FFN 2 T d 256
        long t = 64;
        long d = 64;
        long block = 4 * t * d * d + 2 * t * t * d + 2 * t * d * 256;
        long head = t * d * V;
        assertEquals(2 * block + head, LanguageModelExperiment.forwardMacsPerSequence(LanguageModelExperiment.full(V)));
        long dh = 32;
        long half = 4 * t * dh * dh + 2 * t * t * dh + 2 * t * dh * 128 + t * dh * V;
        assertEquals(half, LanguageModelExperiment.forwardMacsPerSequence(LanguageModelExperiment.half(V)));
        // the progressive run: S/4 half, S/4 one wide block, S/2 full; 3 x MACs x 32 sequences per step
        long oneWide = block + head;
        var plan = LanguageModelExperiment.plan("progressive", 400, V);
        assertEquals(3.0 * 32 * (100 * half + 100 * oneWide + 200 * (2 * block + head)), plan.trainMacs(32), 1);
        assertEquals(
                3.0 * 32 * 400 * (2 * block + head),
                LanguageModelExperiment.plan("scratch", 400, V).trainMacs(32),
                1);
    }

    @Test
    void macsToReachInterpolatesInLogMacs() {
        double[] macs = {1e9, 2e9, 4e9};
        double[] loss = {3.0, 2.5, 2.0};
        // 2.25 is halfway from 2.5 to 2.0: halfway in log MACs from 2e9 to 4e9, sqrt(8) e9
        assertEquals(Math.sqrt(8) * 1e9, LanguageModelVerdicts.macsToReach(macs, loss, 2.25), 1);
        assertEquals(
                1e9, LanguageModelVerdicts.macsToReach(macs, loss, 3.1)); // reached at the smallest: no extrapolation
        assertEquals(2e9, LanguageModelVerdicts.macsToReach(macs, loss, 2.5), 1e-3);
        assertNull(LanguageModelVerdicts.macsToReach(macs, loss, 1.9));
    }

    @Test
    void verdictRulesOnHandMadeNumbers() {
        // [budget][seed], two seeds; scratch's targets are its means at the first two budgets: 3.0 and 2.5
        double[][] scratch = {{3.1, 2.9}, {2.6, 2.4}, {2.1, 2.1}};
        assertArrayEquals(new double[] {3.0, 2.5}, LanguageModelVerdicts.targets(scratch), 1e-12);
        double[] macs = {1e9, 2e9, 4e9};
        // the arm costs half scratch's MACs at every budget and reaches the same losses: speed-up 2 everywhere
        double[] half = {0.5e9, 1e9, 2e9};
        Double[][] sp =
                LanguageModelVerdicts.speedups(macs, scratch, half, scratch, LanguageModelVerdicts.targets(scratch));
        for (Double[] row : sp) {
            for (Double v : row) {
                assertEquals(2.0, v, 1e-9);
            }
        }
        assertTrue(LanguageModelVerdicts.lessCompute(sp));
        // seed 1 of an arm as costly as scratch and slightly worse: its speed-up is below 1, the rule fails
        double[][] worse = {{3.1, 2.95}, {2.6, 2.45}, {2.1, 2.15}};
        Double[][] sp2 =
                LanguageModelVerdicts.speedups(macs, scratch, macs, worse, LanguageModelVerdicts.targets(scratch));
        assertEquals(1.0, sp2[0][0], 1e-9);
        assertEquals(1.0, sp2[0][1], 1e-9); // both reach 3.0 at the smallest budget: no extrapolation
        assertTrue(sp2[1][1] < 1); // 2.5: log-interpolated 0.9 of the way for the arm, 0.8 for scratch
        assertFalse(LanguageModelVerdicts.lessCompute(sp2));
        // no target reached by both: nothing shows less compute
        assertFalse(LanguageModelVerdicts.lessCompute(new Double[][] {{null, null}}));
        // comparable final: mean paired difference at the largest budget within +-0.02 bits per character
        assertEquals(0.025, LanguageModelVerdicts.finalDifference(scratch, worse), 1e-12);
        assertFalse(LanguageModelVerdicts.comparableFinal(scratch, worse));
        double[][] close = {{3.1, 2.9}, {2.6, 2.4}, {2.115, 2.12}};
        assertTrue(LanguageModelVerdicts.comparableFinal(scratch, close));
        // state helps: below in every seed at the largest budget; a tie is not below
        assertTrue(LanguageModelVerdicts.stateHelps(scratch, close));
        assertFalse(LanguageModelVerdicts.stateHelps(scratch, worse)); // seed 0 ties at 2.1
        assertFalse(LanguageModelVerdicts.stateHelps(worse, scratch));
    }

    @Test
    void aDivergedRunLosesTheRateChoice() {
        // NaN (diverged) is worse than any loss; between two losses the lower wins
        assertTrue(LanguageModelExperiment.worse(Double.NaN, 3.0));
        assertFalse(LanguageModelExperiment.worse(3.0, Double.NaN));
        assertTrue(LanguageModelExperiment.worse(3.0, 2.0));
        assertFalse(LanguageModelExperiment.worse(2.0, 3.0));
        // and reaches no target
        assertNull(LanguageModelVerdicts.macsToReach(new double[] {1, 2}, new double[] {Double.NaN, Double.NaN}, 5));
    }
}
