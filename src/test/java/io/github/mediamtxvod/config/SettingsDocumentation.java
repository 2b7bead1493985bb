package io.github.mediamtxvod.config;

import io.github.mediamtxvod.RecorderConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the documentation of the settings from {@link RecorderConfig#ALL}: the README's
 * {@code ## Configuration} section and a {@code .env.example}. {@link SettingsDocumentationTest}
 * prints them when the committed files drift, so they can be pasted back.
 */
final class SettingsDocumentation {
    private SettingsDocumentation() {}

    /** One README table row: {@code | `NAME` | default | description |}. */
    static String tableRow(Setting<?> setting) {
        String documented = setting.documentedDefault();
        boolean literal = setting.defaultText().isPresent() && setting.defaultText().get().equals(documented);
        String shownDefault = literal ? "`" + documented + "`" : documented;
        return "| `" + setting.name() + "` | " + shownDefault + " | " + setting.description() + " |";
    }

    static String readmeSection() {
        List<String> lines = new ArrayList<>(List.of(
                "## Configuration",
                "",
                "The recorder is configured with environment variables. Each may also be given as `NAME_FILE`, the",
                "path of a file holding the value (trailing newlines are stripped; setting both forms is an error),",
                "or in a `.env` file in the working directory (`NAME=value` lines; real environment variables win).",
                "Secrets are shown as `[REDACTED]` in every log line and message. Booleans accept `true`/`false`,",
                "`yes`/`no` and `1`/`0`. Uploads are on when any of `S3_ENDPOINT_URL`, `S3_ACCESS_KEY_ID`,",
                "`S3_SECRET_ACCESS_KEY` or `S3_BUCKET_NAME` is set; otherwise the recorder runs in local-only mode.",
                "All configuration problems are reported together at start, before anything runs.",
                "",
                "| Variable | Default | Description |",
                "|---|---|---|"));
        for (Setting<?> setting : RecorderConfig.ALL) {
            lines.add(tableRow(setting));
        }
        return String.join("\n", lines) + "\n";
    }

    static String envExample() {
        List<String> lines = new ArrayList<>(List.of(
                "# mediamtx-vod settings. Copy this file to .env and uncomment the lines you change.",
                "# Every setting may also be given as NAME_FILE=/path/to/a/file holding the value.",
                "# Variables of the real environment win over this file.",
                "# Uploads are on when any of S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY or"
                        + " S3_BUCKET_NAME is set;",
                "# otherwise the recorder runs in local-only mode."));
        String group = null;
        for (Setting<?> setting : RecorderConfig.ALL) {
            if (!setting.group().equals(group)) {
                group = setting.group();
                lines.add("");
                lines.add("# ===== " + group + " =====");
            }
            lines.add("");
            String computed = setting.defaultText().isEmpty() && !setting.documentedDefault().equals("(unset)")
                    ? " Default: " + setting.documentedDefault() + "."
                    : "";
            lines.add("# " + setting.description() + computed);
            lines.add("# " + setting.name() + "=" + setting.defaultText().orElse(""));
        }
        return String.join("\n", lines) + "\n";
    }
}
