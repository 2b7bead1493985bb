package io.github.mediamtxvod.config;

/**
 * Normalises S3_PREFIX: leading and trailing '/' are stripped, so keys are {@code prefix/...}
 * without doubled slashes; '..' segments, '\' and control characters are rejected because some
 * S3-compatible servers map keys to file paths.
 */
final class S3Prefix {
    private static final String FIX =
            "; use a prefix such as recordings/site-1, without '..' segments, '\\' or control characters";

    private S3Prefix() {}

    /** The prefix without leading or trailing '/', empty when unset or invalid. */
    static String normalise(SettingValues values) {
        Setting setting = Setting.S3_PREFIX;
        String text = values.text(setting);
        if (text == null) {
            return "";
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            values.reject(setting, "contains a control character" + FIX);
            return "";
        }
        if (text.indexOf('\\') >= 0) {
            values.reject(setting, "contains a '\\'" + FIX);
            return "";
        }
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '/') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '/') {
            end--;
        }
        String prefix = text.substring(start, end);
        for (String segment : prefix.split("/", -1)) {
            if (segment.equals("..")) {
                values.reject(setting, "contains a '..' segment" + FIX);
                return "";
            }
        }
        return prefix;
    }
}
