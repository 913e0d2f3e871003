package net2net.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net2net.Net2NetException;

/**
 * One growth inside a training run, {@code AT:TRANSFORM} (docs/optimizer-growth.md#growth-specs), in the
 * vocabulary of the {@code widen} and {@code deepen} commands:
 *
 * <pre>
 *   AT        := N | epochN          at the end of epoch N (after N whole epochs), N &gt;= 1
 *              | stepN               after optimizer step N of the whole run, N &gt;= 1
 *   TRANSFORM := widen ITEM[,ITEM...]                     (items separated by commas or spaces)
 *              | deepen after=LAYER [residual] [kernel=K] [batchnorm|no-batchnorm] [name=NAME]
 *   ITEM      := LAYER=N             widen --layer LAYER --width N
 *              | LAYER.heads=N       widen --layer LAYER --heads N      (attention layers of token models)
 *              | LAYER.head-dim=N    widen --layer LAYER --head-dim N
 * </pre>
 *
 * Whether the layers exist and the widths grow is checked against the network, by the transforms
 * themselves, when the run starts ({@link GrowInRun#check}).
 */
public record GrowthSpec(At at, Transform transform) {

    public GrowthSpec {
        if (at == null || transform == null) {
            throw new IllegalArgumentException("a growth spec has a point and a transform");
        }
    }

    /** Where in the run the growth happens. */
    public sealed interface At permits Epoch, Step {
        /** Whether the trainer's boundary {@code p} is this point. */
        boolean matches(GrowthListener.Point p);

        /** The point in optimizer steps, given the steps of one epoch: to order points of both kinds. */
        long steps(long stepsPerEpoch);
    }

    /** At the end of epoch {@code epoch}: after that many whole epochs. */
    public record Epoch(int epoch) implements At {
        public Epoch {
            if (epoch < 1) {
                throw new IllegalArgumentException("epoch " + epoch);
            }
        }

        @Override
        public boolean matches(GrowthListener.Point p) {
            return p.epochEnd() && p.epochs() == epoch;
        }

        @Override
        public long steps(long stepsPerEpoch) {
            return epoch * stepsPerEpoch;
        }

        @Override
        public String toString() {
            return "epoch" + epoch;
        }
    }

    /** After optimizer step {@code step} of the whole run (resumes included). */
    public record Step(long step) implements At {
        public Step {
            if (step < 1) {
                throw new IllegalArgumentException("step " + step);
            }
        }

        @Override
        public boolean matches(GrowthListener.Point p) {
            return p.steps() == step;
        }

        @Override
        public long steps(long stepsPerEpoch) {
            return step;
        }

        @Override
        public String toString() {
            return "step" + step;
        }
    }

    /** What grows. */
    public sealed interface Transform permits Widen, Deepen {}

    /** The {@code widen} command's options, for one layer. */
    public enum Option {
        WIDTH(""),
        HEADS(".heads"),
        HEAD_DIM(".head-dim");

        final String suffix;

        Option(String suffix) {
            this.suffix = suffix;
        }
    }

    /** {@code widen --layer layer --width|--heads|--head-dim value}. */
    public record Width(String layer, Option option, int value) {
        public Width {
            if (value < 1) {
                throw new IllegalArgumentException("width " + value);
            }
        }

        @Override
        public String toString() {
            return layer + option.suffix + "=" + value;
        }
    }

    /** Net2WiderNet (or the transformer widenings) on each layer, in the order given. */
    public record Widen(List<Width> widths) implements Transform {
        public Widen {
            widths = List.copyOf(widths);
            if (widths.isEmpty()) {
                throw new IllegalArgumentException("nothing to widen");
            }
        }

        @Override
        public String toString() {
            return "widen "
                    + String.join(",", widths.stream().map(Width::toString).toList());
        }
    }

    /**
     * The {@code deepen} command's options. {@code batchnorm} null: the command's default (on with
     * {@code residual}, off without).
     */
    public record Deepen(String after, boolean residual, int kernel, Boolean batchnorm, String name)
            implements Transform {
        public Deepen {
            if (after == null || kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException("deepen after=" + after + " kernel=" + kernel);
            }
        }

        /** Whether a batchnorm is inserted (the command's default when not given). */
        public boolean withBatchnorm() {
            return batchnorm != null ? batchnorm : residual;
        }

        @Override
        public String toString() {
            return "deepen after=" + after + (residual ? " residual" : "") + (kernel != 3 ? " kernel=" + kernel : "")
                    + (batchnorm == null ? "" : batchnorm ? " batchnorm" : " no-batchnorm")
                    + (name != null ? " name=" + name : "");
        }
    }

    @Override
    public String toString() {
        return at + ":" + transform;
    }

    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern EPOCH = Pattern.compile("(?:epoch)?(\\d+)");
    private static final Pattern STEP = Pattern.compile("step(\\d+)");
    private static final Pattern ITEM = Pattern.compile("(" + NAME + ")(\\.heads|\\.head-dim)?=(\\S+)");
    private static final Pattern SETTING = Pattern.compile("(" + NAME + "|no-batchnorm)(?:=(\\S*))?");

    private static final String SYNTAX = "write AT:TRANSFORM, e.g. \"2:widen conv1=48,conv2=96\", "
            + "\"step500:widen h0_attn.heads=8\" or \"epoch3:deepen after=relu2\"";

    /**
     * Parses {@code AT:TRANSFORM}.
     *
     * @throws Net2NetException one line naming the problem and the fix
     */
    public static GrowthSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw error(text, "it is empty; " + SYNTAX);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw error(text, "it has no ':' between the point and the transform; " + SYNTAX);
        }
        At at = parseAt(text, text.substring(0, colon).trim().toLowerCase(Locale.ROOT));
        String rest = text.substring(colon + 1).trim();
        String[] words = rest.split("[\\s,]+");
        List<String> args = words.length > 1 ? List.of(words).subList(1, words.length) : List.of();
        Transform transform =
                switch (words[0]) {
                    case "widen" -> parseWiden(text, args);
                    case "deepen" -> parseDeepen(text, args);
                    default ->
                        throw error(
                                text,
                                (words[0].isEmpty()
                                                ? "the transform is missing"
                                                : "unknown transform '" + words[0] + "'")
                                        + "; use widen or deepen, as the commands of the same names");
                };
        return new GrowthSpec(at, transform);
    }

    /** Parses each of {@code texts}, in the order given. */
    public static List<GrowthSpec> parseAll(List<String> texts) {
        List<GrowthSpec> specs = new ArrayList<>();
        for (String t : texts) {
            specs.add(parse(t));
        }
        return specs;
    }

    private static At parseAt(String text, String at) {
        Matcher epoch = EPOCH.matcher(at);
        Matcher step = STEP.matcher(at);
        String digits = epoch.matches() ? epoch.group(1) : step.matches() ? step.group(1) : null;
        if (digits == null) {
            throw error(
                    text,
                    "the point '" + at
                            + "' is neither an epoch (3 or epoch3: the end of epoch 3) nor a step (step500)");
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n < 1) {
            throw error(
                    text,
                    "the point '" + at + "' is the start of the run; grow before training with the widen or deepen"
                            + " command, or give a point from 1 on");
        }
        if (epoch.matches()) {
            if (n > Integer.MAX_VALUE) {
                throw error(text, "epoch " + digits + " is beyond any run; give a point within the run's budget");
            }
            return new Epoch((int) n);
        }
        return new Step(n);
    }

    private static Widen parseWiden(String text, List<String> args) {
        if (args.isEmpty()) {
            throw error(text, "widen names no layer; give LAYER=WIDTH (or LAYER.heads=N, LAYER.head-dim=N)");
        }
        List<Width> widths = new ArrayList<>();
        Set<String> layers = new LinkedHashSet<>();
        for (String arg : args) {
            Matcher m = ITEM.matcher(arg);
            if (!m.matches()) {
                throw error(
                        text,
                        "'" + arg + "' is not LAYER=WIDTH, LAYER.heads=N or LAYER.head-dim=N (a layer name, then"
                                + " a positive integer)");
            }
            int value = positive(text, m.group(3), arg);
            Option option =
                    m.group(2) == null ? Option.WIDTH : m.group(2).equals(".heads") ? Option.HEADS : Option.HEAD_DIM;
            if (!layers.add(m.group(1))) {
                throw error(text, "layer '" + m.group(1) + "' is named twice; give each layer once per widen");
            }
            widths.add(new Width(m.group(1), option, value));
        }
        return new Widen(widths);
    }

    private static Deepen parseDeepen(String text, List<String> args) {
        String after = null;
        boolean residual = false;
        int kernel = 3;
        Boolean batchnorm = null;
        String name = null;
        Set<String> seen = new LinkedHashSet<>();
        for (String arg : args) {
            Matcher m = SETTING.matcher(arg);
            String key = m.matches() ? m.group(1) : arg;
            String value = m.matches() ? m.group(2) : null;
            boolean flag = key.equals("residual") || key.equals("batchnorm") || key.equals("no-batchnorm");
            if (!m.matches() || !(flag || key.equals("after") || key.equals("kernel") || key.equals("name"))) {
                throw error(
                        text,
                        "unknown deepen setting '" + arg + "'; use after=LAYER, residual, kernel=K, batchnorm,"
                                + " no-batchnorm, name=NAME");
            }
            if (!seen.add(key.equals("no-batchnorm") ? "batchnorm" : key)) {
                throw error(text, "'" + key + "' is given twice; give it once");
            }
            if (flag != (value == null)) {
                throw error(
                        text,
                        flag
                                ? "'" + key + "' is a flag and takes no value; write " + key + " alone"
                                : "'" + key + "' needs a value; write " + key + "=...");
            }
            switch (key) {
                case "after" -> after = name(text, value, "after");
                case "name" -> name = name(text, value, "name");
                case "kernel" -> {
                    kernel = positive(text, value, arg);
                    if (kernel % 2 == 0) {
                        throw error(text, "kernel=" + kernel + " is even; give an odd kernel (1, 3, 5, ...)");
                    }
                }
                case "residual" -> residual = true;
                default -> batchnorm = key.equals("batchnorm");
            }
        }
        if (after == null) {
            throw error(
                    text,
                    "deepen needs after=LAYER, the layer to insert after (a relu, any layer with residual,"
                            + " a transformer block)");
        }
        return new Deepen(after, residual, kernel, batchnorm, name);
    }

    private static String name(String text, String value, String key) {
        if (!value.matches(NAME)) {
            throw error(text, key + "='" + value + "' is not a layer name (letters, digits and _)");
        }
        return value;
    }

    private static int positive(String text, String digits, String arg) {
        try {
            int v = Integer.parseInt(digits);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw error(text, "'" + arg + "' needs a positive integer, got '" + digits + "'");
    }

    private static Net2NetException error(String text, String problem) {
        return new Net2NetException("--grow \"" + text + "\": " + problem);
    }
}
