package io.github.mediamtxvod.config;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every setting the recorder reads, in documentation order, with the rules across them, and the
 * {@link RecorderConfig} built from their values. The README table and {@code .env.example}
 * document exactly these settings.
 */
public final class RecorderSettings {
    public static final Setting<String> LOG_LEVEL = Setting.of("LOG_LEVEL", "Logging", "INFO",
            SettingType.choice("a log level", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), Function.identity()),
            "Log level: TRACE, DEBUG, INFO, WARN or ERROR");

    public static final List<Setting<?>> ALL = Stream.of(MediaMtxSettings.SETTINGS, RecordingSettings.SETTINGS,
            S3Settings.SETTINGS, UploadSettings.SETTINGS, RetentionSettings.SETTINGS, WebSettings.SETTINGS,
            List.<Setting<?>>of(LOG_LEVEL)).flatMap(List::stream).toList();
    public static final List<ConfigRule> RULES = Stream.of(MediaMtxSettings.RULES, S3Settings.RULES,
            WebSettings.RULES).flatMap(List::stream).toList();

    private RecorderSettings() {}

    public static RecorderConfig from(BoundSettings settings) {
        return new RecorderConfig(MediaMtxSettings.from(settings), RecordingSettings.from(settings),
                S3Settings.from(settings), UploadSettings.from(settings), RetentionSettings.from(settings),
                WebSettings.from(settings), settings.get(LOG_LEVEL));
    }
}
