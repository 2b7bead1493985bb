package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the recorder's configuration from environment variables, {@code NAME_FILE} files and a
 * {@code .env} file in the working directory (the environment wins), as the {@link Setting}
 * registry and the README describe. Validation collects every problem before it fails. Loading
 * creates RECORDINGS_DIR when it is missing and writes and deletes a probe file in it; it does
 * nothing else to the outside world and does not log. One loader may be used from one thread at
 * a time; each {@link #load()} reads its sources again.
 */
public final class ConfigLoader {
    private final Map<String, String> environment;
    private final Path workingDirectory;

    /**
     * @param environment the variables, like {@link System#getenv()}; copied
     * @param workingDirectory where {@code .env} is read and relative paths start
     */
    public ConfigLoader(Map<String, String> environment, Path workingDirectory) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.workingDirectory = requireNonNull(workingDirectory, "workingDirectory is null").toAbsolutePath();
    }

    /** A loader for this process: its environment and its current directory. */
    public static ConfigLoader fromSystem() {
        return new ConfigLoader(System.getenv(), Path.of(""));
    }

    /**
     * The valid configuration with its warnings.
     *
     * @throws InvalidConfigException listing every problem (and warning) when any setting is invalid
     */
    public LoadedConfig load() throws InvalidConfigException {
        ConfigProblems problems = new ConfigProblems();
        RawSettings raw = new SettingSources(environment, workingDirectory).read(problems);
        UnknownVariables.warnings(raw.otherVariables()).forEach(problems::warning);
        RecorderConfig config = ConfigBinder.bind(raw, workingDirectory, problems);
        if (problems.hasErrors()) {
            throw new InvalidConfigException(problems.errors(), problems.warnings());
        }
        return new LoadedConfig(config, problems.warnings());
    }
}
