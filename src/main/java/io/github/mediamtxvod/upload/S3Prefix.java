package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.config.DisplayText;
import io.github.mediamtxvod.config.InvalidValueException;
import io.github.mediamtxvod.config.SettingType;

/**
 * S3_PREFIX: leading and trailing '/' are stripped, so keys are {@code prefix/...} without doubled
 * slashes; '..' segments, '\' and control characters are rejected because some S3-compatible
 * servers map keys to file paths. A prefix of only '/' is empty, shown as unset.
 */
final class S3Prefix {
    static final SettingType<String> TYPE = SettingType.plain((text, setting, workingDirectory) -> normalise(text),
            prefix -> prefix.isEmpty() ? "(unset)" : DisplayText.quoted(prefix));

    private static final String FIX =
            "; use a prefix such as recordings/site-1, without '..' segments, '\\' or control characters";

    private S3Prefix() {}

    private static String normalise(String text) throws InvalidValueException {
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException("contains a control character" + FIX);
        }
        if (text.indexOf('\\') >= 0) {
            throw new InvalidValueException("contains a '\\'" + FIX);
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
                throw new InvalidValueException("contains a '..' segment" + FIX);
            }
        }
        return prefix;
    }
}
