package io.nstrace;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the README's code map, over the main classes: no cycle between any two io.nstrace
 * packages (sub-packages count on their own), no arrow up the layers
 * error &lt; sys &lt; format &lt; discovery, tracefs &lt; capture &lt; session &lt; kube &lt; cli &lt; shell, bench &lt;
 * io.nstrace (Main),
 * and java.lang.foreign only in sys. Inside format, profile and diff sit above the trace model and its writers.
 */
class LayerRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.nstrace");
    }

    @Test
    void noCyclesBetweenPackages() {
        ArchRule rule = slices().matching("io.nstrace.(**)").should().beFreeOfCycles()
                .allowEmptyShould(false);
        rule.check(classes);
    }

    @Test
    void rootPackageIsTheTop() {
        // slices() above cannot see the root package (its classes match no "(**)" group): nothing may use it
        noClasses().that().resideOutsideOfPackage("io.nstrace")
                .should().dependOnClassesThat().resideInAPackage("io.nstrace")
                .check(classes);
    }

    @Test
    void layersOnlyLookDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("error").definedBy("io.nstrace.error..")
                .layer("sys").definedBy("io.nstrace.sys..")
                .layer("format").definedBy("io.nstrace.format..")
                .layer("discovery").definedBy("io.nstrace.discovery..")
                .layer("tracefs").definedBy("io.nstrace.tracefs..")
                .layer("capture").definedBy("io.nstrace.capture..")
                .layer("session").definedBy("io.nstrace.session..")
                .layer("kube").definedBy("io.nstrace.kube..")
                .layer("cli").definedBy("io.nstrace.cli..")
                .layer("shell").definedBy("io.nstrace.shell..")
                .layer("bench").definedBy("io.nstrace.bench..")
                .layer("main").definedBy("io.nstrace")
                .whereLayer("main").mayNotBeAccessedByAnyLayer()
                .whereLayer("shell").mayOnlyBeAccessedByLayers("main")
                .whereLayer("bench").mayOnlyBeAccessedByLayers("main")
                .whereLayer("cli").mayOnlyBeAccessedByLayers("shell", "bench", "main")
                .whereLayer("kube").mayOnlyBeAccessedByLayers("cli", "shell", "bench", "main")
                .whereLayer("session").mayOnlyBeAccessedByLayers("kube", "cli", "shell", "bench", "main")
                .whereLayer("capture").mayOnlyBeAccessedByLayers("session", "kube", "cli", "shell", "bench", "main")
                .whereLayer("discovery").mayOnlyBeAccessedByLayers("capture", "session", "kube", "cli", "shell",
                        "bench", "main")
                .whereLayer("tracefs").mayOnlyBeAccessedByLayers("capture", "session", "kube", "cli", "shell",
                        "bench", "main")
                .whereLayer("format").mayOnlyBeAccessedByLayers("discovery", "tracefs", "capture", "session", "kube",
                        "cli", "shell", "bench", "main")
                .whereLayer("sys").mayOnlyBeAccessedByLayers("format", "discovery", "tracefs", "capture", "session",
                        "kube", "cli", "shell", "bench", "main")
                .check(classes);
    }

    @Test
    void kubernetesClientOnlyInKube() {
        // fabric8 stays behind kube's API: cli's kube commands name none of its types, so no other command loads it
        noClasses().that().resideOutsideOfPackage("io.nstrace.kube..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .check(classes);
    }

    @Test
    void protobufOnlyInThePerfettoEncoder() {
        // protobuf-java is loaded only when a Perfetto trace is written, never on another command's path
        noClasses().that().resideOutsideOfPackage("io.nstrace.format.perfetto..")
                .should().dependOnClassesThat().resideInAPackage("com.google.protobuf..")
                .check(classes);
    }

    @Test
    void profilesAndDiffsSitAboveTheTraceModelAndItsWriters() {
        // format.profile reads events through format.output's attribution; format.diff compares what profiles
        // and summaries write: neither may be used by the layers they build on
        noClasses().that().resideInAnyPackage("io.nstrace.format", "io.nstrace.format.output..",
                        "io.nstrace.format.ringbuffer..", "io.nstrace.format.tracedat..", "io.nstrace.format.printfmt..",
                        "io.nstrace.format.json..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nstrace.format.profile..",
                        "io.nstrace.format.diff..")
                .check(classes);
        noClasses().that().resideInAPackage("io.nstrace.format.profile..")
                .should().dependOnClassesThat().resideInAPackage("io.nstrace.format.diff..")
                .check(classes);
    }

    @Test
    void foreignMemoryOnlyInSys() {
        noClasses().that().resideOutsideOfPackage("io.nstrace.sys..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .check(classes);
    }
}
