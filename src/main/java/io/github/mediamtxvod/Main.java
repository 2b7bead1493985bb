package io.github.mediamtxvod;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.config.ConfigLoader;
import io.github.mediamtxvod.config.InvalidConfigException;
import io.github.mediamtxvod.retention.CleanCommand;
import io.github.mediamtxvod.upload.VerifyCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Command-line entry point: {@code run} (default), {@code check}, {@code clean DAYS}, {@code
 * verify [--since DAYS] [--repair]}, {@code version}, {@code help}. Turns the outcome into the exit code: 0 success, 1 a runtime failure or
 * a failed check, 2 an invalid configuration or bad arguments.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        // a thread that dies of what no one caught says so in the log, not only on stderr
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> org.slf4j.LoggerFactory.getLogger(Main.class)
                .error("thread {} ended by an uncaught {}", thread.getName(), failure.getClass().getName(), failure));
        // `run` only returns on a failure: a signal ends it through Recorder's shutdown hook
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "run" : args[0];
        List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        switch (command) {
            case "version", "--version", "-V" -> {
                out.println("vod-recorder " + version());
                return OK;
            }
            case "help", "--help", "-h" -> {
                out.print(usage());
                return OK;
            }
            case "run", "check", "clean", "verify" -> {
                return withConfig(command, rest, out, err);
            }
            default -> {
                err.println("Error: unknown command '" + command + "'.");
                err.print(usage());
                return USAGE;
            }
        }
    }

    private static int withConfig(String command, List<String> rest, PrintStream out, PrintStream err) {
        if (command.equals("run") && !rest.isEmpty()) {
            err.println("Error: 'run' takes no arguments; configure the recorder with environment variables.");
            return USAGE;
        }
        LoadedConfig loaded;
        try {
            loaded = RecorderConfig.load(ConfigLoader.fromSystem());
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        // each command shows the warnings once, where its reader looks: check in its report, run
        // as log lines with a timestamp, clean and verify before their own output
        return switch (command) {
            case "check" -> rest.isEmpty() ? CheckCommand.run(loaded, out) : usageError("'check' takes no arguments", err);
            case "clean" -> {
                loaded.warnings().forEach(warning -> err.println("Warning: " + warning));
                yield CleanCommand.run(loaded.config().recording().recordingsDir(), rest, out, err);
            }
            case "verify" -> {
                loaded.warnings().forEach(warning -> err.println("Warning: " + warning));
                yield VerifyCommand.run(loaded.config().recording().recordingsDir(), loaded.config().s3(), rest, out, err);
            }
            default -> Recorder.runUntilStopped(loaded, err);
        };
    }

    private static int usageError(String message, PrintStream err) {
        err.println("Error: " + message + ".");
        err.print(usage());
        return USAGE;
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String usage() {
        return """
                Usage: java -jar vod-recorder.jar [command]

                Commands:
                  run                 record every live MediaMTX stream and upload it (default)
                  check               validate the configuration, reach MediaMTX (API and RTSP), FFmpeg
                                      and S3, print a report
                  clean DAYS [--include-unuploaded]
                                      delete local recordings older than DAYS that are safely in S3
                  verify [--since DAYS] [--repair]
                                      compare the catalogue with S3 and list every segment missing there
                                      or of another size (exit 1 if any); --repair uploads them again
                  version             print the version
                  help                print this help

                Configuration comes from environment variables (and a .env file in the working
                directory); see the README for the full list. Exit codes: 0 ok, 1 failure,
                2 invalid configuration or arguments. One recorder runs per RECORDINGS_DIR;
                clean and verify may run beside it.
                """;
    }
}
