package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The converter image as the tests see it: the classpath its Dockerfile gives both of its stages. */
public final class ConverterImage {

    private ConverterImage() {}

    /**
     * The classpath deploy/converter/Dockerfile assembles: the converter's runtime dependencies (written by the
     * converter module's build), the artifacts the Dockerfile adds from the CLI's dependencies, and the classes of
     * the converter and the CLI.
     */
    public static String classpath() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path converterDependencies = repo.resolve("converter/target/runtime-classpath.txt");
        assertThat(converterDependencies)
                .as("written by the converter module's build (mvn -pl cli -am)")
                .exists();
        Matcher added = Pattern.compile("-DincludeArtifactIds=(\\S+)")
                .matcher(Files.readString(repo.resolve("deploy/converter/Dockerfile")));
        assertThat(added.find())
                .as("the Dockerfile names what it adds from the CLI's dependencies")
                .isTrue();

        List<String> entries = new ArrayList<>();
        entries.add(repo.resolve("cli/target/classes").toString());
        entries.addAll(List.of(Files.readString(converterDependencies).strip().split(File.pathSeparator)));
        List<String> testClasspath =
                List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        for (String artifact : added.group(1).split(",")) {
            if (artifact.startsWith("avmon-")) {
                entries.add(repo.resolve(artifact.substring("avmon-".length()))
                        .resolve("target/classes")
                        .toString());
                continue;
            }
            Pattern jar = Pattern.compile(Pattern.quote(artifact) + "-\\d[^/]*\\.jar");
            entries.add(testClasspath.stream()
                    .filter(entry ->
                            jar.matcher(Path.of(entry).getFileName().toString()).matches())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(artifact + " is not among the CLI's dependencies")));
        }
        return String.join(File.pathSeparator, entries);
    }
}
