package io.github.mediamtxvod.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Warns about variables that look like settings but are not: a name under one of our prefixes, or
 * a name one typo away from a known one. The warning suggests the closest known name. Values of
 * names that look secret are masked.
 */
final class UnknownVariables {
    private static final List<String> PREFIXES = List.of("MEDIAMTX_", "S3_", "FFMPEG_", "UPLOAD_", "WEB_",
            "STREAM_", "RECORDINGS_", "SEGMENT_", "POLLING_", "LOCAL_RETENTION", "MIN_FREE", "MAX_CONCURRENT",
            "HOOK_", "OUTPUT_FORMAT", "HTTP_PORT", "LOG_LEVEL", "PLAYBACK_");
    /**
     * Kubernetes adds {@code <SERVICE>_SERVICE_HOST}, {@code <SERVICE>_PORT_9997_TCP} and the like
     * for every service, so a service called "mediamtx" must not cause warnings.
     */
    private static final Pattern SERVICE_LINK = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");
    private static final List<String> SENSITIVE = List.of("PASS", "SECRET", "TOKEN", "KEY", "CRED", "AUTH");

    private UnknownVariables() {}

    /** One warning per unknown variable that looks meant for us, in name order. */
    static List<String> warnings(Map<String, RawValue> variables, List<Setting<?>> settings) {
        List<String> warnings = new ArrayList<>();
        variables.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (SERVICE_LINK.matcher(name).matches()) {
                return;
            }
            boolean ours = PREFIXES.stream().anyMatch(upper::startsWith);
            String suggestion = suggest(upper, ours, settings);
            if (ours || suggestion != null) {
                boolean secretSuggested = settings.stream().anyMatch(
                        setting -> setting.secret() && setting.name().equals(suggestion));
                warnings.add(message(name, value, suggestion, secretSuggested));
            }
        });
        return warnings;
    }

    private static String message(String name, RawValue value, String suggestion, boolean secretSuggested) {
        boolean sensitive = secretSuggested || SENSITIVE.stream().anyMatch(name.toUpperCase(Locale.ROOT)::contains);
        String shown = sensitive ? DisplayText.REDACTED : DisplayText.of(value.text());
        String subject = name + "=" + shown + value.origin();
        return suggestion == null
                ? subject + " is not a known setting and is ignored."
                : subject + " is not a known setting. Did you mean " + suggestion + "?";
    }

    /**
     * The known name closest to {@code name}: within a few typos, or (under our prefixes) made of
     * the same words with some added or left out, as in S3_BUCKET for S3_BUCKET_NAME. Null if none.
     */
    static String suggest(String name, boolean ours, List<Setting<?>> settings) {
        int allowed = ours ? Math.max(2, name.length() / 5) : 1;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : knownNames(settings)) {
            int distance = distance(name, known);
            boolean close = distance <= allowed || (ours && sameWords(name, known));
            if (close && distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static List<String> knownNames(List<Setting<?>> settings) {
        List<String> names = new ArrayList<>();
        for (Setting<?> setting : settings) {
            names.add(setting.name());
        }
        for (Setting<?> setting : settings) {
            names.add(setting.fileVariable());
        }
        return names;
    }

    /** Whether the words of one name are all among the words of the other. */
    private static boolean sameWords(String name, String known) {
        Set<String> words = new HashSet<>(Arrays.asList(name.split("_")));
        Set<String> knownWords = new HashSet<>(Arrays.asList(known.split("_")));
        return knownWords.containsAll(words) || words.containsAll(knownWords);
    }

    /** Optimal string alignment distance: edits, where swapping two neighbours is one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
