package net2net.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import net2net.Net2NetException;
import net2net.data.TextCorpus;
import net2net.nn.DjlNetwork;
import net2net.nn.ModelFiles;
import net2net.nn.Network;
import net2net.spec.TransformerLayers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = {
            "Generate text from a character-level model (one trained with --data text): the prompt, then --tokens characters.",
            "Each character is drawn from softmax(logits / T) given the last context characters; T 0 takes the likeliest."
        })
final class SampleCommand implements Callable<Integer> {
    @Mixin
    DeviceOption device;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A token model with a vocabulary.")
    Path model;

    @Option(
            names = "--prompt",
            paramLabel = "TEXT",
            defaultValue = "\n",
            description = "The text to continue; longer than the context, only its last context characters are read."
                    + " Default: a newline.")
    String prompt;

    @Option(
            names = "--tokens",
            paramLabel = "N",
            defaultValue = "200",
            description = "Characters to generate. Default: ${DEFAULT-VALUE}.")
    int tokens;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            defaultValue = "0.8",
            description = "Softmax temperature; 0: always the likeliest character (greedy). Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        device.apply();
        if (tokens < 0) {
            throw new Net2NetException("--tokens must be 0 or more, got " + tokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new Net2NetException("--temperature must be 0 (greedy) or a positive number, got " + temperature);
        }
        if (prompt.isEmpty()) {
            throw new Net2NetException("--prompt is empty; give at least one character to continue");
        }
        try (Network network = ModelFiles.load(model)) {
            TextCorpus.Vocabulary vocabulary = TextCorpus.vocabularyOf(network.preprocessing());
            if (vocabulary == null
                    || !(network.architecture().layers().get(0) instanceof TransformerLayers.Embedding)) {
                throw new Net2NetException(model + " has no character vocabulary; sample from a token model made with"
                        + " `net2net init --arch tinygpt --data text` (or trained with --data text)");
            }
            int[] context = vocabulary.encode(prompt);
            String generated = vocabulary.decode(generate(network, context, tokens, temperature, seed));
            Output.OUT.print(prompt + generated);
            Output.OUT.println();
            Output.OUT.flush();
        }
        return 0;
    }

    /**
     * The next {@code n} tokens after {@code prompt}. The window is the last T tokens (T the model's
     * context), left-aligned and padded with token 0 on the right: causal attention keeps the padding
     * from the positions before it, so the logits at the window's last real position are those of the
     * unpadded window.
     */
    static int[] generate(Network network, int[] prompt, int n, double temperature, long seed) {
        int t = Math.toIntExact(network.architecture().input().get(0));
        DjlNetwork block = DjlNetwork.of(network);
        SplittableRandom random = new SplittableRandom(seed);
        int[] all = Arrays.copyOf(prompt, prompt.length + n);
        for (int i = prompt.length; i < all.length; i++) {
            int from = Math.max(0, i - t);
            float[] window = new float[t];
            for (int j = from; j < i; j++) {
                window[j - from] = all[j];
            }
            try (NDManager m = network.manager().newSubManager()) {
                NDArray logits = block.forward(m.create(window, new Shape(1, t)), false);
                float[] last = logits.get(0, i - from - 1)
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                all[i] = pick(last, temperature, random);
            }
        }
        return Arrays.copyOfRange(all, prompt.length, all.length);
    }

    /** The argmax at temperature 0 (the first of ties), else a draw from softmax(logits / T), in double precision. */
    static int pick(float[] logits, double temperature, SplittableRandom random) {
        int best = 0;
        for (int k = 1; k < logits.length; k++) {
            if (logits[k] > logits[best]) {
                best = k;
            }
        }
        if (temperature == 0) {
            return best;
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp((logits[k] - logits[best]) / temperature);
            sum += p[k];
        }
        double u = random.nextDouble() * sum;
        for (int k = 0; k < p.length; k++) {
            u -= p[k];
            if (u < 0) {
                return k;
            }
        }
        return best; // rounding left u at 0: the likeliest
    }
}
