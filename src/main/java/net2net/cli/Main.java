package net2net.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net2net.Net2NetException;
import net2net.io.OutputGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code net2net} command. Errors in the user's input are one line on stderr and exit code 2. */
@Command(
        name = "net2net",
        mixinStandardHelpOptions = true,
        version = "net2net 0.1.0",
        description = "Grow trained networks without losing what they learned (Net2Net, Chen et al. 2016).",
        subcommands = {
            InitCommand.class,
            InfoCommand.class,
            WidenCommand.class,
            PadCommand.class,
            DeepenCommand.class,
            VerifyCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            SampleCommand.class,
            SeedCommand.class,
            ReplicateCommand.class,
            BenchCommand.class
        })
public final class Main implements Runnable {
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this directly). */
    public static int run(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(Output.OUT, true));
        cli.setErr(new PrintWriter(Output.ERR, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("net2net: error: " + ex.getMessage() + " (see `net2net " + commandPath(ex.getCommandLine())
                    + "--help`)");
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionStrategy(Main::executeGuarded);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable cause = ex;
            while (!(cause instanceof Net2NetException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof Net2NetException) {
                err.println("net2net: error: " + cause.getMessage());
                return EXIT_BAD_INPUT;
            }
            String resources = TopLevel.outOfResources(ex);
            if (resources != null) {
                err.println("net2net: error: " + resources);
                return EXIT_BAD_INPUT;
            }
            if (System.getenv("NET2NET_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.println("net2net: internal error: " + ex + " (please report it; NET2NET_DEBUG=1 shows the trace)");
            return EXIT_INTERNAL;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler above; an Error ends up here
            cli.getErr().println("net2net: error: " + TopLevel.outOfResources(e));
            return EXIT_BAD_INPUT;
        }
    }

    /** Options whose values are read by a command: --out may not hold them. */
    private static final List<String> INPUT_OPTIONS = List.of("--model", "--teacher", "--student", "--data-dir");

    /**
     * Runs the command; a command with --out first checks that the output does not hold its inputs,
     * then holds an exclusive lock on it until it ends (one writer per output).
     */
    private static int executeGuarded(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult sub = parseResult;
        while (sub.hasSubcommand()) {
            sub = sub.subcommand();
        }
        if (sub.isUsageHelpRequested()
                || sub.isVersionHelpRequested()
                || !sub.hasMatchedOption("--out")
                || !(sub.matchedOptionValue("--out", null) instanceof Path out)) {
            return new CommandLine.RunLast().execute(parseResult);
        }
        OutputGuard.Lock lock;
        try {
            List<Path> inputs = new ArrayList<>();
            for (String option : INPUT_OPTIONS) {
                if (sub.hasMatchedOption(option) && sub.matchedOptionValue(option, null) instanceof Path p) {
                    inputs.add(p);
                }
            }
            OutputGuard.requireNotAncestorOfInputs(out, inputs);
            lock = OutputGuard.lock(out);
        } catch (Net2NetException e) {
            throw new CommandLine.ExecutionException(sub.commandSpec().commandLine(), e.getMessage(), e);
        }
        try (lock) {
            return new CommandLine.RunLast().execute(parseResult);
        }
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder path = new StringBuilder();
        for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
            path.insert(0, c.getCommandName() + " ");
        }
        return path.toString();
    }
}
