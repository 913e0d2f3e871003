package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net2net.nn.DjlNetwork;
import net2net.nn.Network;
import net2net.train.GrowInRun;
import net2net.train.GrowthListener;
import net2net.train.GrowthSpec;
import net2net.train.Optimizer;
import net2net.train.Trainer;
import net2net.train.TrainingData;
import picocli.CommandLine.Option;

/** {@code train --grow AT:TRANSFORM --grow-state keep|reset}: growth inside the run (docs/optimizer-growth.md). */
final class GrowOptions {
    @Option(
            names = "--grow",
            paramLabel = "AT:TRANSFORM",
            description = {
                "Grow the network inside the run (repeatable), the schedule going on over the whole run.",
                "AT: N or epochN (the end of epoch N) or stepN (after optimizer step N). TRANSFORM, in the widen and"
                        + " deepen commands' words: widen LAYER=N[,LAYER=N...] (LAYER.heads=N, LAYER.head-dim=N"
                        + " on attention layers), or deepen after=LAYER [residual] [kernel=K] [no-batchnorm]"
                        + " [name=NAME].",
                "E.g. --grow \"1:widen conv1=16,conv2=32\" --grow \"step500:deepen after=h1_mlp_res\". --resume"
                        + " without --grow continues with the run's saved growth plan; with --grow, with the"
                        + " options given."
            })
    List<String> grow = new ArrayList<>();

    @Option(
            names = "--grow-state",
            paramLabel = "keep|reset",
            defaultValue = "keep",
            description = "At a growth: keep (grow the optimizer state with the gradient map) or reset (start it from"
                    + " zero). Default: ${DEFAULT-VALUE}.")
    String state;

    /**
     * A resume without --grow continues with the growth plan its checkpoint recorded (the --grow and
     * --grow-state of the sessions before), so that leaving the options out does not drop a growth still
     * ahead. Given --grow options replace the plan: a later session may add growths.
     */
    void resumeWith(JsonObject saved) {
        if (!grow.isEmpty() || saved == null || !saved.has("grow")) {
            return;
        }
        saved.getAsJsonArray("grow").forEach(g -> grow.add(g.getAsString()));
        if (saved.has("grow_state")) {
            state = saved.get("grow_state").getAsString();
        }
        if (!grow.isEmpty()) {
            Output.log("resuming with the saved growth plan: --grow-state " + state + " --grow \""
                    + String.join("\" --grow \"", grow) + "\"");
        }
    }

    /**
     * The listener of a run, or null without --grow. A new run's specs are checked against the network
     * now; a resumed run's, at its first step.
     *
     * @param start the network the run starts from, or null for a resumed run
     */
    GrowInRun listener(Network start, long stepsPerEpoch, long budget, long seed) {
        GrowInRun.StateMode mode = GrowInRun.StateMode.parse(state);
        if (grow.isEmpty()) {
            return null;
        }
        List<GrowthSpec> specs = GrowthSpec.parseAll(grow);
        GrowInRun listener = new GrowInRun(specs, seed, GrowInRun.Settings.defaults(mode));
        if (start != null) {
            GrowInRun.check(start, specs, stepsPerEpoch, budget, 0);
        } else {
            listener.checkAtFirstCall(stepsPerEpoch, budget);
        }
        return listener;
    }

    /**
     * {@code options} with the listener, which also logs each growth with the loss of the network before
     * and after it on one batch (the first training batch of epoch 1, in evaluation mode): equal, as
     * the transforms keep the function. One batch, not the test set: a text corpus's validation pass
     * costs as much as many steps.
     */
    static Trainer.Options with(Trainer.Options options, GrowInRun listener, TrainingData data, int batch) {
        if (listener == null) {
            return options;
        }
        return options.withGrowth(new GrowthListener() {
            @Override
            public JsonObject plan() {
                return listener.plan();
            }

            @Override
            public Grown at(Point point, Network network, Optimizer optimizer) {
                return logged(listener, point, network, optimizer, data, batch);
            }
        });
    }

    private static GrowthListener.Grown logged(
            GrowInRun listener,
            GrowthListener.Point point,
            Network network,
            Optimizer optimizer,
            TrainingData data,
            int batch) {
        List<GrowthSpec> before = listener.fired();
        GrowthListener.Grown grown = listener.at(point, network, optimizer);
        if (grown != null) {
            List<GrowthSpec> now = new ArrayList<>(listener.fired());
            now.removeAll(before);
            Output.log(String.format(
                    Locale.ROOT,
                    "grew at %s (step %d): %s; %,d -> %,d parameters; loss on a batch %.6f -> %.6f",
                    point.epochEnd() ? "the end of epoch " + point.epochs() : "step " + point.steps(),
                    point.steps(),
                    String.join(
                            "; ",
                            now.stream().map(s -> s.transform().toString()).toList()),
                    network.architecture().parameterCount(),
                    grown.network().architecture().parameterCount(),
                    batchLoss(network, data, batch),
                    batchLoss(grown.network(), data, batch)));
        }
        return grown;
    }

    private static double batchLoss(Network n, TrainingData data, int batch) {
        try (NDManager m = n.manager().newSubManager()) {
            TrainingData.Batch b = data.epoch(batch, 0, 0).batch(m, 0);
            NDArray out = DjlNetwork.of(n).forward(b.inputs(), false);
            out.attach(m);
            NDArray loss = data.loss(b.labels(), out);
            loss.attach(m);
            return loss.toType(DataType.FLOAT64, false).getDouble();
        }
    }
}
