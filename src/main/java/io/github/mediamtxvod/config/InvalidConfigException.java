package io.github.mediamtxvod.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration has problems; nothing may start. {@link #getMessage()} is the whole report for
 * the user, one {@code Error: } or {@code Warning: } line each and a closing count, meant to be
 * printed as it is, without a stack trace. No message ever holds a secret value.
 */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String[] problems;
    private final String[] warnings;

    /** {@code problems} must not be empty. */
    public InvalidConfigException(List<String> problems, List<String> warnings) {
        super(report(problems, warnings));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration needs at least one problem");
        }
        this.problems = problems.toArray(String[]::new);
        this.warnings = warnings.toArray(String[]::new);
    }

    /** Each problem that makes the configuration invalid, in the order found. */
    public List<String> problems() {
        return List.of(problems);
    }

    /** Each warning found on the way; they do not make the configuration invalid by themselves. */
    public List<String> warnings() {
        return List.of(warnings);
    }

    private static String report(List<String> problems, List<String> warnings) {
        List<String> lines = new ArrayList<>();
        problems.forEach(problem -> lines.add("Error: " + problem));
        warnings.forEach(warning -> lines.add("Warning: " + warning));
        int count = problems.size();
        lines.add("The configuration has " + count + (count == 1 ? " problem" : " problems")
                + "; fix " + (count == 1 ? "it" : "them") + " and start again.");
        return String.join(System.lineSeparator(), lines);
    }
}
