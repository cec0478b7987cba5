package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputErrorTest {
    @TempDir
    Path dir;

    @Test
    void missingFileNamesTheFile() {
        String input = dir.resolve("clip.ts").toString();
        assertThatThrownBy(() -> MediaConverter.open(input, ConverterOptions.forStream("s")))
                .isInstanceOf(MediaInputException.class)
                .hasMessage(input + ": no such file");
    }

    @Test
    void zeroByteFileIsNotAMediaFile() throws Exception {
        Path empty = Files.write(dir.resolve("empty.ts"), new byte[0]);
        assertThatThrownBy(() -> MediaConverter.open(empty.toString(), ConverterOptions.forStream("s")))
                .isInstanceOf(MediaInputException.class)
                .hasMessageStartingWith(empty + ": not a media file (")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theRunnerRefusesAStreamIdThatCouldNotBeAName() {
        assertThatThrownBy(() -> StreamRunner.Options.of("clip.ts", "cam\u00001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream id has control character U+0000 at position 3; allowed are letters, digits,"
                        + " '.', '_' and '-', not starting with '.' or '-'");
    }

    @Test
    void textFileIsNotAMediaFile() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "these are my notes, not a video\n".repeat(50));
        assertThatThrownBy(() -> MediaConverter.open(notes.toString(), ConverterOptions.forStream("s")))
                .isInstanceOf(MediaInputException.class)
                .hasMessageStartingWith(notes + ": not a media file (")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusedNetworkInputCannotOpen() {
        String input = "tcp://127.0.0.1:" + FreePorts.find();
        assertThatThrownBy(() -> MediaConverter.open(input, ConverterOptions.forStream("s")))
                .isInstanceOf(MediaInputException.class)
                .hasMessageStartingWith(input + ": cannot open (")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusedRtspInputIsOneToRetryNotAnUnsupportedOne() {
        // RTSP is a demuxer in FFmpeg, not a protocol: the scheme check must know it too.
        String input = "rtsp://127.0.0.1:" + FreePorts.find() + "/live";
        assertThatThrownBy(() -> MediaConverter.open(input, ConverterOptions.forStream("s")))
                .isInstanceOfSatisfying(
                        MediaInputException.class,
                        e -> assertThat(e.isPermanent()).isFalse())
                .hasMessageStartingWith(input + ": cannot open (");
    }

    @Test
    void urlOfAnUnknownProtocolIsPermanentlyUnsupported() {
        String input = "nosuchprotocol://127.0.0.1:5000";
        assertThatThrownBy(() -> MediaConverter.open(input, ConverterOptions.forStream("s")))
                .isInstanceOfSatisfying(
                        MediaInputException.class,
                        e -> assertThat(e.isPermanent()).isTrue())
                .hasMessage(input + ": unsupported input (this FFmpeg has no protocol nosuchprotocol)");
    }

    @Test
    void truncatedClipDecodesWhatItCanWithoutThrowing() throws Exception {
        ClipSpec spec = ClipSpec.builder()
                .size(320, 180)
                .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                .build();
        Clip clip = ClipWriter.write(spec, dir.resolve("whole.ts"));
        byte[] bytes = Files.readAllBytes(clip.file());
        // Cut mid-packet, as a failed copy would.
        Path half = Files.write(dir.resolve("half.ts"), Arrays.copyOf(bytes, bytes.length / 2 + 77));
        int frames = 0;
        try (MediaConverter converter = MediaConverter.open(half.toString(), ConverterOptions.forStream("s"))) {
            SpecificRecord record;
            while ((record = converter.next()) != null) {
                if (record instanceof VideoFrameFeatures) {
                    frames++;
                }
            }
            assertThat(converter.drainWarnings()).allSatisfy(w -> assertThat(w).doesNotContain("\n"));
        }
        assertThat(frames).isBetween(30, 70);
    }
}
