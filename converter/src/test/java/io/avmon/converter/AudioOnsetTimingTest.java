package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A block's onset time dates a beep to the millisecond on the decoded timeline, whatever the codec's priming (AAC's
 * 1024 samples, AC-3's 256) and frame size: on a flash-and-beep pattern made in sync, each beep's onset lands within
 * 1 ms of its flash frame's timestamp (other sharp onsets, such as the first sound after the priming's silence, may
 * come between).
 */
class AudioOnsetTimingTest {

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource({"mpegts,aac,ts", "mpegts,mp2,ts", "mpegts,ac3,ts", "mpegts,s302m,ts", "mp4,aac,mp4"})
    void beepOnsetsLandOnTheirFlashFramesTimestamps(String format, String audioCodec, String extension)
            throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(7)
                        .container(format, ClipSpec.MPEG2, audioCodec)
                        .segment(6, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                        .build(),
                dir.resolve(audioCodec + "." + extension));
        Decoded decoded = Decoded.of(clip);

        List<Long> flashesUs = new ArrayList<>();
        float previousLuma = Float.NaN;
        for (VideoFrameFeatures frame : decoded.frames()) {
            if (frame.getLumaMean() - previousLuma > 100) {
                flashesUs.add(frame.getMediaTimeUs());
            }
            previousLuma = frame.getLumaMean();
        }
        List<Long> onsetsUs = decoded.blocks().stream()
                .filter(b -> b.getOnsetRiseDb() != null && b.getOnsetRiseDb() > 20)
                .map(AudioBlockFeatures::getOnsetTimeUs)
                .toList();

        assertThat(flashesUs).hasSizeGreaterThanOrEqualTo(4);
        for (long flashUs : flashesUs) {
            long nearestUs = onsetsUs.stream()
                    .min((a, b) -> Long.compare(Math.abs(a - flashUs), Math.abs(b - flashUs)))
                    .orElseThrow();
            assertThat(nearestUs / 1000.0)
                    .as("beep of the flash at %d µs", flashUs)
                    .isCloseTo(flashUs / 1000.0, Offset.offset(1.0));
        }
    }
}
