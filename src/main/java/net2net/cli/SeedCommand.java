package net2net.cli;

import java.util.concurrent.Callable;
import net2net.experiment.NotebookExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "seed",
        mixinStandardHelpOptions = true,
        description = {
            "Reproduce the seed notebook step by step (4-10-1 MLP on its synthetic data, widened to 20),",
            "then done properly: standardised inputs, exact Net2WiderNet and Net2DeeperNet, against random init."
        })
final class SeedCommand implements Callable<Integer> {
    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Data, split and initialisation seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--epochs",
            defaultValue = "30",
            paramLabel = "E",
            description = "Students' epochs (the notebook's 30). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--json", description = "Print every figure as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Ranges.require(epochs, 1, Ranges.MAX_EPOCHS, "--epochs");
        NotebookExperiment.Outcome o =
                NotebookExperiment.run(new NotebookExperiment.Config(seed, 10, epochs, Output::log));
        if (json) {
            Output.json(o.json());
        } else {
            Output.OUT.print(NotebookExperiment.table(o.json()));
        }
        return 0;
    }
}
