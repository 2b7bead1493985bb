package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.RecorderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table and {@code .env.example} document exactly the settings the
 * code reads, no more and no less.
 */
class SettingsDocumentationTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|.*\\|$");
    private static final Pattern ENV_LINE = Pattern.compile("^#?\\s*(?:export\\s+)?([A-Z][A-Z0-9_]*)=.*$");

    @Test
    void readmeTableDocumentsEverySettingAndNothingElse() throws IOException {
        List<String> section = configurationSection(Files.readString(PROJECT.resolve("README.md")));

        assertThat(documentedNames(section, TABLE_ROW)).containsExactlyElementsOf(registryNames());
        assertThatNothingUnknownIsDocumented(documentedNames(section, TABLE_ROW));
    }

    @Test
    void readmeRowsAreGeneratedFromTheRegistry() throws IOException {
        List<String> section = configurationSection(Files.readString(PROJECT.resolve("README.md")));

        for (Setting<?> setting : RecorderConfig.ALL) {
            assertThat(section)
                    .as("README row of %s; the whole section should read:%n%s", setting,
                            SettingsDocumentation.readmeSection())
                    .contains(SettingsDocumentation.tableRow(setting));
        }
    }

    static final String COMPOSE_ONLY_HEADER = "# --- Compose stack only (not read by the recorder) ---";

    @Test
    void envExampleListsEverySettingAndNothingElse() throws IOException {
        List<String> all = Files.readAllLines(PROJECT.resolve(".env.example"));
        // the compose stack's own variables close the file; the recorder does not read them
        int composeOnly = all.indexOf(COMPOSE_ONLY_HEADER);
        List<String> lines = composeOnly < 0 ? all : all.subList(0, composeOnly);
        Set<String> documented = documentedNames(lines, ENV_LINE);

        Set<String> baseNames = new TreeSet<>();
        documented.forEach(name -> baseNames.add(name.endsWith("_FILE") && !registryNames().contains(name)
                ? name.substring(0, name.length() - "_FILE".length())
                : name));
        assertThat(baseNames)
                .as("settings in .env.example; a generated version reads:%n%s", SettingsDocumentation.envExample())
                .containsAll(registryNames());
        assertThatNothingUnknownIsDocumented(documented);
    }

    @Test
    void descriptionsAreSafeInAMarkdownTable() {
        for (Setting<?> setting : RecorderConfig.ALL) {
            assertThat(setting.description()).as(setting.name()).doesNotContain("|", "<", ">", "\n").endsWith(".");
            assertThat(setting.documentedDefault()).as(setting.name()).doesNotContain("|", "<", ">", "`");
        }
    }

    private static void assertThatNothingUnknownIsDocumented(Set<String> documented) {
        assertThat(documented).allSatisfy(name ->
                assertThat(knownVariables()).as("%s is documented but not read by the code", name).contains(name));
    }

    private static Set<String> registryNames() {
        return new TreeSet<>(RecorderConfig.ALL.stream().map(Setting::name).toList());
    }

    /** The variables the code reads: each setting and its {@code _FILE} form. */
    private static Set<String> knownVariables() {
        Set<String> names = registryNames();
        RecorderConfig.ALL.forEach(setting -> names.add(setting.fileVariable()));
        return names;
    }

    private static Set<String> documentedNames(List<String> lines, Pattern pattern) {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line.strip());
            if (matcher.matches()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    /** The lines from {@code ## Configuration} up to the next heading of the same level. */
    private static List<String> configurationSection(String readme) {
        List<String> lines = readme.lines().toList();
        int start = lines.indexOf("## Configuration");
        assertThat(start).as("README.md has a '## Configuration' section").isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ") && !lines.get(end).startsWith("# ")) {
            end++;
        }
        return lines.subList(start, end);
    }
}
