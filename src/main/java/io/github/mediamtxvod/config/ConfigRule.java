package io.github.mediamtxvod.config;

/**
 * A rule across settings, checked after every setting has been bound on its own. A rule names
 * every key it involves in its messages, and skips a setting whose own value was invalid (its
 * value is null), so that one mistake is reported once.
 */
@FunctionalInterface
public interface ConfigRule {
    void check(BoundSettings settings, ConfigProblems problems);

    /** Both keys of a pair or neither: half a credential is a mistake, not a wish for no auth. */
    static ConfigRule bothOrNeither(Setting<?> first, Setting<?> second) {
        return (settings, problems) -> {
            if (settings.isGiven(first) != settings.isGiven(second)) {
                Setting<?> present = settings.isGiven(first) ? first : second;
                Setting<?> missing = present == first ? second : first;
                problems.error(settings.subject(present) + " is set but " + missing.name()
                        + " is not; set both or neither");
            }
        };
    }
}
