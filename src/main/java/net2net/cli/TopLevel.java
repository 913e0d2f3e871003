package net2net.cli;

import net2net.io.Memory;

/**
 * What the command line reports, as one line and exit 2, when the input asked for more than the
 * machine has: a Java OutOfMemoryError, libtorch's allocation failure, or a size that overflows
 * 64-bit arithmetic. Everything else unexpected stays an internal error (exit 3).
 */
final class TopLevel {
    private TopLevel() {}

    /** The one-line message for {@code t} or any of its causes, or null if it is not about resources. */
    static String outOfResources(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return "out of memory (" + c.getMessage() + "; Java heap maximum "
                        + Memory.human(Runtime.getRuntime().maxMemory())
                        + "): the model or the batch is too large for this machine; make it smaller, or raise -Xmx in NET2NET_JAVA_OPTS";
            }
            if (c instanceof ArithmeticException) {
                return "a size overflows (" + c.getMessage()
                        + "): a width, count or shape is too large; use smaller values";
            }
            String m = c.getMessage();
            if (m != null
                    && (m.contains("not enough memory")
                            || m.contains("DefaultCPUAllocator")
                            || m.contains("std::bad_alloc"))) {
                return "out of memory in libtorch ("
                        + m.lines().findFirst().orElse("").strip()
                        + "): the model or the batch is too large for this machine; make it smaller";
            }
        }
        return null;
    }
}
