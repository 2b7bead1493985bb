package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads the recorder's configuration from environment variables, {@code NAME_FILE} files and a
 * {@code .env} file in the working directory (the environment wins), for the {@link Setting}
 * constants it is given. Validation collects every problem before it fails. Loading
 * creates nothing; it writes and deletes a probe file in an existing RECORDINGS_DIR, and does
 * nothing else to the outside world and does not log. One loader may be used from one thread at
 * a time; each load reads its sources again.
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
     * Reads, parses and checks {@code settings}, then checks {@code rules} across them. Variables
     * that look meant for us but are none of {@code settings} get a warning.
     *
     * @throws InvalidConfigException listing every problem (and warning) when any value or rule fails
     * @throws IllegalArgumentException when two settings have the same name
     */
    public BoundSettings bind(List<Setting<?>> settings, List<ConfigRule> rules) throws InvalidConfigException {
        ConfigProblems problems = new ConfigProblems();
        RawSettings raw = new SettingSources(environment, workingDirectory).read(settings, problems);
        UnknownVariables.warnings(raw.otherVariables(), settings).forEach(problems::warning);
        BoundSettings bound = BoundSettings.bind(settings, raw, workingDirectory, problems);
        rules.forEach(rule -> rule.check(bound, problems));
        if (problems.hasErrors()) {
            throw new InvalidConfigException(problems.errors(), problems.warnings());
        }
        return bound.withWarnings(problems.warnings());
    }
}
