package io.avmon.cli.profile;

import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileYaml;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --profile FILE} option of the commands that run detectors. */
public final class ProfileOption {

    @Option(
            names = "--profile",
            paramLabel = "FILE",
            description = "Detection profile (YAML: defaults and per-stream overrides); default: the built-in profile.")
    Path file;

    /** The file's book, or the built-in profile; throws InvalidProfileException with the cause in one line. */
    public ProfileBook book() throws IOException {
        return file == null ? ProfileBook.of(DefectKind.defaultProfile()) : ProfileYaml.read(file);
    }

    /** The file given, or null. */
    public Path file() {
        return file;
    }
}
