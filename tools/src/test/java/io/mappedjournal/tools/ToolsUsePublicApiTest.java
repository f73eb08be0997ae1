package io.mappedjournal.tools;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The tools read journals the way any application would: through the library's public packages
 * ({@code io.mappedjournal}, {@code .inspect}, {@code .policy}, {@code .metrics}), never its
 * internals. The one exception is the JMH benchmark of the staging ring itself
 * ({@code tools.jmh}), which measures an internal class on purpose.
 */
@AnalyzeClasses(packages = "io.mappedjournal.tools", importOptions = ImportOption.DoNotIncludeTests.class)
class ToolsUsePublicApiTest {
    @ArchTest
    static final ArchRule toolsUseThePublicApiOnly = noClasses()
            .that().resideInAPackage("io.mappedjournal.tools..")
            .and().resideOutsideOfPackage("io.mappedjournal.tools.jmh..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mappedjournal.master..", "io.mappedjournal.staging..",
                    "io.mappedjournal.segment..", "io.mappedjournal.manifest..", "io.mappedjournal.format..",
                    "io.mappedjournal.recovery..", "io.mappedjournal.fileio..");
}
