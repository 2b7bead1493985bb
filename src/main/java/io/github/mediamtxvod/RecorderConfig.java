package io.github.mediamtxvod;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.ConfigLoader;
import io.github.mediamtxvod.config.ConfigRule;
import io.github.mediamtxvod.config.InvalidConfigException;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import io.github.mediamtxvod.recording.RecordingConfig;
import io.github.mediamtxvod.retention.RetentionConfig;
import io.github.mediamtxvod.upload.S3Config;
import io.github.mediamtxvod.upload.UploadConfig;
import io.github.mediamtxvod.web.WebConfig;
import io.github.mediamtxvod.webhook.WebhookConfig;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The whole, validated configuration of the recorder: each stage's own part, declared with its
 * settings in the stage's package, plus the log level. {@link #ALL} lists every setting in
 * documentation order (the README table and {@code .env.example} document exactly these), {@link
 * #RULES} the rules across settings. Immutable.
 */
public record RecorderConfig(
        MediaMtxConfig mediamtx,
        RecordingConfig recording,
        S3Config s3,
        UploadConfig upload,
        RetentionConfig retention,
        WebConfig web,
        WebhookConfig webhook,
        String logLevel) {

    public static final Setting<String> LOG_LEVEL = Setting.of("LOG_LEVEL", "Logging", "INFO",
            SettingType.choice("a log level", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), Function.identity()),
            "Log level: TRACE, DEBUG, INFO, WARN or ERROR");

    public static final List<Setting<?>> ALL = Stream.of(MediaMtxConfig.SETTINGS, RecordingConfig.SETTINGS,
            S3Config.SETTINGS, UploadConfig.SETTINGS, RetentionConfig.SETTINGS, WebConfig.SETTINGS,
            WebhookConfig.SETTINGS, List.<Setting<?>>of(LOG_LEVEL)).flatMap(List::stream).toList();
    public static final List<ConfigRule> RULES = Stream.of(MediaMtxConfig.RULES, S3Config.RULES, WebConfig.RULES,
            WebhookConfig.RULES).flatMap(List::stream).toList();

    public RecorderConfig {
        requireNonNull(mediamtx, "mediamtx is null");
        requireNonNull(recording, "recording is null");
        requireNonNull(s3, "s3 is null");
        requireNonNull(upload, "upload is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(web, "web is null");
        requireNonNull(webhook, "webhook is null");
        requireNonNull(logLevel, "logLevel is null");
    }

    public static RecorderConfig from(BoundSettings settings) {
        return new RecorderConfig(MediaMtxConfig.from(settings), RecordingConfig.from(settings),
                S3Config.from(settings), UploadConfig.from(settings), RetentionConfig.from(settings),
                WebConfig.from(settings), WebhookConfig.from(settings), settings.get(LOG_LEVEL));
    }

    /**
     * Every setting, read and checked by {@code loader}.
     *
     * @throws InvalidConfigException listing every problem (and warning) when any setting is invalid
     */
    public static LoadedConfig load(ConfigLoader loader) throws InvalidConfigException {
        BoundSettings settings = loader.bind(ALL, RULES);
        return new LoadedConfig(from(settings), settings.warnings(), settings.effectiveSettings());
    }

    /**
     * A configuration as loaded: the values, what the caller should log once at start (unknown
     * variables, skipped {@code .env} lines, local-only mode), and one {@code NAME=value} line per
     * setting, sorted by name, with secrets masked. Immutable.
     */
    public record LoadedConfig(RecorderConfig config, List<String> warnings, List<String> effectiveSettings) {
        public LoadedConfig {
            requireNonNull(config, "config is null");
            warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
            effectiveSettings = List.copyOf(requireNonNull(effectiveSettings, "effectiveSettings is null"));
        }
    }
}
