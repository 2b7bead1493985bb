package io.github.mediamtxvod.webhook;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.ConfigProblems;
import io.github.mediamtxvod.config.ConfigRule;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.net.URI;
import java.util.List;

/**
 * Where events are posted, with the settings they are read from. {@code url} is null when
 * webhooks are off; {@code secret} is null when events go unsigned. Immutable.
 */
public record WebhookConfig(URI url, Secret secret) {
    static final String GROUP = "Webhooks";

    public static final Setting<URI> WEBHOOK_URL = Setting.of("WEBHOOK_URL", GROUP, null,
            SettingType.url(List.of("http", "https"),
                    "set it to the absolute URL of your receiver, such as https://example.com/vod-events, or unset it",
                    "let the receiver check the X-Vod-Signature made with WEBHOOK_SECRET instead"),
            "http(s) URL that receives a JSON POST per event (segment.uploaded, session.finished); unset = no webhooks");
    public static final Setting<Secret> WEBHOOK_SECRET = Setting.of("WEBHOOK_SECRET", GROUP, null,
            SettingType.secret(), "Key of the HMAC-SHA256 in each webhook's X-Vod-Signature header; unset = unsigned"
                    + " (secret)");

    public static final List<Setting<?>> SETTINGS = List.of(WEBHOOK_URL, WEBHOOK_SECRET);
    public static final List<ConfigRule> RULES = List.of(WebhookConfig::warnSecretWithoutUrl);

    public static WebhookConfig from(BoundSettings settings) {
        return new WebhookConfig(settings.get(WEBHOOK_URL), settings.get(WEBHOOK_SECRET));
    }

    /** Whether events are posted at all. */
    public boolean enabled() {
        return url != null;
    }

    private static void warnSecretWithoutUrl(BoundSettings settings, ConfigProblems problems) {
        if (settings.isGiven(WEBHOOK_SECRET) && !settings.isGiven(WEBHOOK_URL)) {
            problems.warning(settings.subject(WEBHOOK_SECRET) + " has no effect without WEBHOOK_URL; set WEBHOOK_URL"
                    + " to the receiver's URL to send events");
        }
    }
}
