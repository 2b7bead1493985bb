package io.github.mediamtxvod.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the settings from their sources: the process environment, {@code .env} in the working
 * directory, and the files that {@code NAME_FILE} variables name. The environment wins per
 * setting: when it gives a setting in either form, {@code .env}'s forms of that setting are
 * ignored. A blank value counts as not given. Relative paths are resolved against the working
 * directory. Used once per load, by one thread.
 */
final class SettingSources {
    /** A value file larger than this is a mistake (and /dev/zero must not hang the start). */
    static final int MAX_VALUE_FILE_BYTES = 64 * 1024;

    private static final int MAX_DOT_ENV_BYTES = 1024 * 1024;

    private final Map<String, String> environment;
    private final Path workingDirectory;

    SettingSources(Map<String, String> environment, Path workingDirectory) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    RawSettings read(List<Setting<?>> settings, ConfigProblems problems) {
        Map<String, RawValue> fromEnvironment = new HashMap<>();
        environment.forEach((name, value) -> {
            if (!value.isBlank()) {
                fromEnvironment.put(name, RawValue.fromEnvironment(value));
            }
        });
        Map<String, RawValue> fromDotEnv = readDotEnv(problems);
        Map<Setting<?>, RawValue> values = new HashMap<>();
        Set<Setting<?>> given = new HashSet<>();
        Set<String> known = new HashSet<>();
        for (Setting<?> setting : settings) {
            known.add(setting.name());
            known.add(setting.fileVariable());
            boolean inEnvironment = fromEnvironment.containsKey(setting.name())
                    || fromEnvironment.containsKey(setting.fileVariable());
            Map<String, RawValue> source = inEnvironment ? fromEnvironment : fromDotEnv;
            RawValue direct = source.get(setting.name());
            RawValue file = source.get(setting.fileVariable());
            if (direct == null && file == null) {
                continue;
            }
            given.add(setting);
            if (direct != null && file != null) {
                problems.error(direct.describe(setting) + " and " + file.describePlain(setting.fileVariable())
                        + " are both set; set only one of them");
            } else if (direct != null) {
                values.put(setting, direct);
            } else {
                RawValue content = readValueFile(setting, file, problems);
                if (content != null) {
                    values.put(setting, content);
                }
            }
        }
        SortedMap<String, RawValue> others = new TreeMap<>(fromDotEnv);
        others.putAll(fromEnvironment);
        others.keySet().removeAll(known);
        return new RawSettings(values, given, others);
    }

    private Map<String, RawValue> readDotEnv(ConfigProblems problems) {
        Path file = workingDirectory.resolve(".env");
        if (!Files.exists(file)) {
            return Map.of();
        }
        String text;
        try {
            text = readUtf8(file, MAX_DOT_ENV_BYTES);
        } catch (IOException e) {
            problems.error(".env in " + DisplayText.of(workingDirectory.toString()) + " cannot be read ("
                    + IoReason.of(e) + "); fix or remove it");
            return Map.of();
        }
        if (text == null) {
            problems.error(".env in " + DisplayText.of(workingDirectory.toString()) + " is larger than "
                    + MAX_DOT_ENV_BYTES + " bytes; it should hold only settings");
            return Map.of();
        }
        DotEnvParser.Result result = DotEnvParser.parse(text);
        result.warnings().forEach(problems::warning);
        Map<String, RawValue> values = new HashMap<>();
        result.entries().forEach((name, entry) -> {
            if (!entry.value().isBlank()) {
                values.put(name, RawValue.fromDotEnv(entry.value(), entry.line()));
            }
        });
        return values;
    }

    private RawValue readValueFile(Setting<?> setting, RawValue path, ConfigProblems problems) {
        String subject = path.describePlain(setting.fileVariable());
        String text;
        try {
            text = readUtf8(workingDirectory.resolve(path.text().strip()), MAX_VALUE_FILE_BYTES);
        } catch (IOException | InvalidPathException e) {
            String reason = e instanceof IOException io ? IoReason.of(io) : "not a valid path";
            problems.error(subject + " cannot be read (" + reason + "); fix the path or set "
                    + setting.name() + " instead");
            return null;
        }
        if (text == null) {
            problems.error(subject + " is larger than " + MAX_VALUE_FILE_BYTES
                    + " bytes; point it to a file that holds only the value");
            return null;
        }
        String value = stripTrailingNewlines(text);
        if (value.isBlank()) {
            problems.error(subject + " names an empty file; put the value in the file or unset "
                    + setting.fileVariable());
            return null;
        }
        return RawValue.fromFile(value, setting.fileVariable(), path);
    }

    /** The file's text, or null when it has more than {@code limit} bytes. */
    private static String readUtf8(Path file, int limit) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(limit + 1);
        }
        if (bytes.length > limit) {
            return null;
        }
        return decodeStrictly(bytes);
    }

    private static String decodeStrictly(byte[] bytes) throws CharacterCodingException {
        return UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
