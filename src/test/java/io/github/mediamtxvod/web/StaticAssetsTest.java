package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StaticAssetsTest {
    private static final Pattern IMPORT = Pattern.compile("from '\\./([^']+)'|src=\"/assets/([^\"]+)\"|href=\"/assets/([^\"]+)\"");

    @Test
    void everyModuleAPageOrScriptLoadsIsServed() throws IOException {
        List<String> referenced = new ArrayList<>();
        for (String name : StaticAssets.FILES) {
            try (InputStream in = StaticAssets.class.getResourceAsStream("/web/" + name)) {
                Matcher matcher = IMPORT.matcher(new String(in.readAllBytes(), UTF_8));
                while (matcher.find()) {
                    for (int group = 1; group <= 3; group++) {
                        if (matcher.group(group) != null) {
                            referenced.add(matcher.group(group));
                        }
                    }
                }
            }
        }

        assertThat(referenced).contains("app.js", "timeline.js", "preview.js", "export.js", "style.css");
        assertThat(StaticAssets.FILES).containsAll(referenced);
    }
}
