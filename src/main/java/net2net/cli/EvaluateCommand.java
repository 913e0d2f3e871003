package net2net.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import net2net.nn.DjlNetwork;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.train.Evaluation;
import net2net.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Loss (and accuracy, for classification) of a model on the test split, with the model's recorded preprocessing;"
                        + " for --data text: the validation text's loss in nats and bits per character, and the token accuracy.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(
            names = "--batch",
            defaultValue = "" + Evaluation.DEFAULT_BATCH,
            paramLabel = "B",
            description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        device.apply();
        try (Network network = ModelFiles.load(model)) {
            if (TextData.requested(dataOptions)) {
                text(network);
                return 0;
            }
            DataOptions.Loaded data = dataOptions.load(network.preprocessing());
            Evaluation.Result r = Evaluation.evaluate(network, data.splits().test(), batch);
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("model", model.toString());
                o.addProperty("data", data.description());
                o.addProperty("samples", r.samples());
                o.addProperty("loss", r.loss());
                if (r.accuracy() != null) {
                    o.addProperty("accuracy", r.accuracy());
                }
                Output.json(o);
            } else {
                Output.OUT.printf(Locale.ROOT, "loss %.6g%n", r.loss());
                if (r.accuracy() != null) {
                    Output.OUT.printf(Locale.ROOT, "accuracy %.4f%n", r.accuracy());
                }
            }
        }
        return 0;
    }

    /** The validation text's mean cross-entropy per character, in nats and in bits, and the token accuracy. */
    private void text(Network network) {
        TrainingData.Text data = (TrainingData.Text) TextData.forModel(dataOptions, network);
        Evaluation.Result r = data.evaluate(DjlNetwork.of(network), network.manager());
        double bits = r.loss() / Math.log(2);
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", model.toString());
            o.addProperty("data", TrainCommand.describe(data));
            o.addProperty("characters", r.samples());
            o.addProperty("loss", r.loss());
            o.addProperty("bits_per_char", bits);
            o.addProperty("accuracy", r.accuracy());
            Output.json(o);
        } else {
            Output.OUT.printf(Locale.ROOT, "loss %.6g%n", r.loss());
            Output.OUT.printf(Locale.ROOT, "bits_per_char %.4f%n", bits);
            Output.OUT.printf(Locale.ROOT, "accuracy %.4f%n", r.accuracy());
        }
    }
}
