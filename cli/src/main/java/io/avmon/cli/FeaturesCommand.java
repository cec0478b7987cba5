package io.avmon.cli;

import io.avmon.cli.common.ExitCodes;
import io.avmon.cli.common.StreamIds;
import io.avmon.converter.ConverterOptions;
import io.avmon.converter.MediaConverter;
import io.avmon.converter.MediaInputException;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.AvroJson;
import io.avmon.schema.VideoFrameFeatures;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows what the detectors see: the converter's feature records for one file. */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = {
            "Decode FILE and write its feature records (one per video frame, one per 100 ms of audio).",
            "Without --out: one JSON object per line on stdout (thumbnails in base64).",
            "With --out: an Avro container file whose schema is the union [VideoFrameFeatures, AudioBlockFeatures]."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the file was decoded",
            "2:the file could not be read (the cause is printed)",
            "3:an internal error"
        })
public final class FeaturesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A media file or live URL.")
    String input;

    @Option(names = "--out", paramLabel = "PATH", description = "Write an Avro container file instead of JSON lines.")
    Path out;

    @Option(
            names = "--stream-id",
            description = "Stream id in the records: letters, digits, '.', '_', '-', at most 128 characters"
                    + " (default: the file name without extension, other characters as '_').")
    String streamId;

    @Option(names = "--limit", description = "Stop after this many records (default: all).")
    long limit = Long.MAX_VALUE;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String id = streamId != null ? streamId : StreamIds.fromFileName(input);
        String badId = StreamIds.optionProblem(id);
        if (badId != null) {
            stderr.println("avmon: " + badId);
            return ExitCodes.BAD_INPUT;
        }
        try (MediaConverter converter = MediaConverter.open(input, ConverterOptions.forStream(id))) {
            long written =
                    out == null ? writeJson(converter, stdout, stderr) : writeAvro(converter, out.toFile(), stderr);
            stdout.flush();
            if (out != null) {
                stderr.println(written + " records written to " + out);
            }
            return ExitCodes.OK;
        } catch (MediaInputException e) {
            stderr.println("avmon: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    private long writeJson(MediaConverter converter, PrintWriter stdout, PrintWriter stderr)
            throws MediaInputException {
        long written = 0;
        SpecificRecord record;
        while (written < limit && (record = converter.next()) != null) {
            stdout.println(AvroJson.toJson(record));
            written++;
            warn(converter.drainWarnings(), stderr);
        }
        return written;
    }

    private long writeAvro(MediaConverter converter, File file, PrintWriter stderr)
            throws IOException, MediaInputException {
        Schema union = Schema.createUnion(VideoFrameFeatures.getClassSchema(), AudioBlockFeatures.getClassSchema());
        long written = 0;
        try (DataFileWriter<Object> writer = new DataFileWriter<>(new SpecificDatumWriter<>(union))) {
            writer.setCodec(CodecFactory.deflateCodec(3));
            writer.create(union, file);
            SpecificRecord record;
            while (written < limit && (record = converter.next()) != null) {
                writer.append(record);
                written++;
                warn(converter.drainWarnings(), stderr);
            }
        }
        return written;
    }

    private static void warn(List<String> warnings, PrintWriter stderr) {
        warnings.forEach(w -> stderr.println("warning: " + w));
    }
}
