package net2net.cli;

import java.nio.file.Path;
import net2net.nn.OutputDirs;

/** Checks shared by the commands that write a model. */
final class ModelArgs {
    private ModelArgs() {}

    /** Refuses an existing --out before any work is done (the final write checks again). */
    static void refuseExisting(Path out, boolean force) {
        OutputDirs.refuseExisting(out.toAbsolutePath().normalize(), force);
    }
}
