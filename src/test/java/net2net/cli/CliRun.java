package net2net.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** One command line run in-process, with its exit code and what it printed on stdout and stderr. */
public record CliRun(int code, String out, String err) {

    public static CliRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            Output.redirect(System.out, System.err);
            int code = Main.run(args);
            return new CliRun(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
            Output.redirect(out, err);
        }
    }
}
