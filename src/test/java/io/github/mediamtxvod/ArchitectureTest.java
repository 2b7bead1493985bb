package io.github.mediamtxvod;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages follow the data path and import one way: a stage may use the stages before it,
 * never one after it, and no two packages import each other. docs/ARCHITECTURE.md explains the
 * order; this test holds it.
 */
class ArchitectureTest {
    private static final String ROOT = "io.github.mediamtxvod";
    /** Lowest first: each may be used by those after it only. */
    static final List<String> LAYERS = List.of(
            "runtime", "mp4", "config", "mediamtx", "recording", "catalog", "upload", "playlist", "webhook",
            "retention", "web");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noPackageCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noStageReachesBackUpTheDataPath() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("root").definedBy(ROOT);
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy(ROOT + "." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> later = new java.util.ArrayList<>(LAYERS.subList(i + 1, LAYERS.size()));
            later.add("root");
            layers = layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(later.toArray(String[]::new));
        }
        layers.whereLayer("root").mayNotBeAccessedByAnyLayer().check(MAIN);
    }

    @Test
    void everyPackageIsPlacedOnThePath() {
        java.util.Set<String> packages = new java.util.TreeSet<>();
        MAIN.forEach(type -> packages.add(type.getPackageName()));
        for (String name : packages) {
            String relative = name.equals(ROOT) ? "" : name.substring(ROOT.length() + 1);
            String top = relative.contains(".") ? relative.substring(0, relative.indexOf('.')) : relative;
            org.assertj.core.api.Assertions.assertThat(top.isEmpty() || LAYERS.contains(top))
                    .as("package %s is in ArchitectureTest.LAYERS and docs/ARCHITECTURE.md", name).isTrue();
        }
    }
}
