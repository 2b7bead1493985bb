package io.github.mediamtxvod;

import io.github.mediamtxvod.config.RecorderConfig;
import java.io.PrintStream;
import java.util.List;

/** {@code clean DAYS [--include-unuploaded]}. */
final class CleanCommand {
    private CleanCommand() {}

    static int run(RecorderConfig config, List<String> args, PrintStream out, PrintStream err) {
        err.println("Error: clean is not available in this build.");
        return Main.FAILED;
    }
}
