package io.avmon.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering every module keeps, checked on the compiled production classes of all of avmon's modules (the cli's
 * test classpath holds them all): the data path runs schemas → converter → job → cli, never back, and no package leans
 * on one that leans back on it.
 */
class ArchitectureTest {
    private static JavaClasses avmon;

    @BeforeAll
    static void importProductionClasses() {
        avmon = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.avmon");
    }

    @Test
    void importsTheClassesOfEveryModule() {
        // Guards the rules below against passing on an empty import.
        for (String pkg : new String[] {
            "io.avmon.schema",
            "io.avmon.converter",
            "io.avmon.job",
            "io.avmon.job.detect",
            "io.avmon.cli",
            "io.avmon.testmedia"
        }) {
            assertThat(avmon.containPackage(pkg)).as(pkg).isTrue();
        }
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.avmon.(**)").should().beFreeOfCycles().check(avmon);
    }

    @Test
    void detectorsNeverImportOneAnother() {
        classes()
                .that()
                .resideInAPackage("io.avmon.job.detect")
                .should(dependOnNoOtherDetector())
                .check(avmon);
    }

    @Test
    void theJobNeverImportsTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.avmon.job..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.avmon.cli..")
                .check(avmon);
    }

    @Test
    void theConverterNeverImportsTheJobOrTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.avmon.converter..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.avmon.job..", "io.avmon.cli..")
                .check(avmon);
    }

    @Test
    void theSchemasImportNothingElseOfAvmon() {
        noClasses()
                .that()
                .resideInAPackage("io.avmon.schema..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.avmon..").and(not(resideInAPackage("io.avmon.schema.."))))
                .check(avmon);
    }

    /** A detector (a top-level class ending in "Detector") may use its own nested classes and the Detector base only. */
    private static ArchCondition<JavaClass> dependOnNoOtherDetector() {
        return new ArchCondition<>("depend on no other detector") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                JavaClass own = topLevel(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = topLevel(dependency.getTargetClass());
                    boolean otherDetector = target.getPackageName().equals("io.avmon.job.detect")
                            && target.getSimpleName().endsWith("Detector")
                            && !target.getSimpleName().equals("Detector")
                            && !target.equals(own);
                    if (otherDetector) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
