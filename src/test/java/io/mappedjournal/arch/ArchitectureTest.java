package io.mappedjournal.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rule of docs/ARCHITECTURE.md, checked on the library's compiled classes: the flow
 * goes one way, staging → master → segment → manifest/format → fileio, with recovery beside the
 * master over the same lower layers, and the API (the root package) and the inspection API on top.
 * An import against the flow fails the build, naming the class, the member and the line.
 *
 * <p>The one exception by design: the root package's exception and report types
 * ({@code *Exception}, {@code RecoveryReport}) are the words every layer uses to say what went
 * wrong, so any layer may name them; they themselves name nothing below them.
 */
@AnalyzeClasses(packages = "io.mappedjournal", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The root package's exceptions and recovery report: named by every layer. */
    private static final DescribedPredicate<JavaClass> API_TYPES = DescribedPredicate.describe(
            "the API's exception and report types",
            c -> c.getPackageName().equals("io.mappedjournal")
                    && (c.getSimpleName().endsWith("Exception") || c.getName().startsWith("io.mappedjournal.RecoveryReport")));

    private static final DescribedPredicate<JavaClass> API = DescribedPredicate.describe(
            "the API (root package)", c -> c.getPackageName().equals("io.mappedjournal") && !API_TYPES.test(c));

    @ArchTest
    static final ArchRule theFlowGoesOneWay = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("API").definedBy(API)
            .layer("API types").definedBy(API_TYPES)
            .layer("Inspect").definedBy("io.mappedjournal.inspect..")
            .layer("Metrics").definedBy("io.mappedjournal.metrics..")
            .layer("Master").definedBy("io.mappedjournal.master..")
            .layer("Staging").definedBy("io.mappedjournal.staging..")
            .layer("Recovery").definedBy("io.mappedjournal.recovery..")
            .layer("Segment").definedBy("io.mappedjournal.segment..")
            .layer("Manifest").definedBy("io.mappedjournal.manifest..")
            .layer("Format").definedBy("io.mappedjournal.format..")
            .layer("Policy").definedBy("io.mappedjournal.policy..")
            .layer("FileIO").definedBy("io.mappedjournal.fileio..")

            .whereLayer("API").mayNotBeAccessedByAnyLayer()
            .whereLayer("Inspect").mayNotBeAccessedByAnyLayer()
            .whereLayer("Metrics").mayOnlyBeAccessedByLayers("API")
            .whereLayer("Master").mayOnlyBeAccessedByLayers("API")
            .whereLayer("Staging").mayOnlyBeAccessedByLayers("API", "Master")
            .whereLayer("Recovery").mayOnlyBeAccessedByLayers("API", "Inspect")
            .whereLayer("Segment").mayOnlyBeAccessedByLayers("API", "Master", "Recovery", "Inspect")
            .whereLayer("Manifest").mayOnlyBeAccessedByLayers("API", "Segment", "Recovery", "Inspect")
            .whereLayer("Format").mayOnlyBeAccessedByLayers("API", "Staging", "Segment", "Recovery", "Inspect")
            .whereLayer("Policy").mayOnlyBeAccessedByLayers("API", "API types", "Master", "Staging", "Segment", "Recovery", "Inspect")
            .whereLayer("FileIO").mayOnlyBeAccessedByLayers("API", "Segment", "Manifest", "Recovery", "Inspect");

    /** The words every layer uses name nothing below the API but its policies. */
    @ArchTest
    static final ArchRule apiTypesNameNothingInternal = noClasses().that(API_TYPES).should().dependOnClassesThat()
            .resideInAnyPackage("io.mappedjournal.inspect..", "io.mappedjournal.metrics..", "io.mappedjournal.master..",
                    "io.mappedjournal.staging..", "io.mappedjournal.recovery..", "io.mappedjournal.segment..",
                    "io.mappedjournal.manifest..", "io.mappedjournal.format..", "io.mappedjournal.fileio..");

    /** No two packages depend on each other, directly or around a loop. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.mappedjournal.(*)..").should().beFreeOfCycles();
}
