package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EBU Tech 3341 test 1: a stereo 1 kHz sine at -23 dBFS per channel reads -23.0 LUFS within 0.1 LU. */
class LoudnessTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48_000, 44_100})
    void stereoSineAtMinus23DbfsReadsMinus23Lufs(int sampleRate) throws Exception {
        ClipSpec spec = ClipSpec.builder()
                .sampleRate(sampleRate)
                .size(320, 180)
                .segment(4, VideoKind.MOTION, AudioContent.tone1k(-23))
                .build();
        Decoded decoded = Decoded.of(ClipWriter.write(spec, dir.resolve("tone-" + sampleRate + ".ts")));
        List<AudioBlockFeatures> blocks = decoded.blocks(s -> true, 0.3);
        assertThat(blocks).hasSizeGreaterThan(25);
        for (int i = 3; i < blocks.size(); i++) {
            // Momentary loudness: the 400 ms window of four blocks.
            double sum = 0;
            for (int k = i - 3; k <= i; k++) {
                sum += blocks.get(k).getChannels().stream()
                                .mapToDouble(ChannelLevels::getKWeightedMeanSquare)
                                .sum()
                        / 4;
            }
            assertThat(-0.691 + 10 * Math.log10(sum)).isCloseTo(-23.0, within(0.1));
        }
        assertThat(blocks.get(5).getSampleCount()).isEqualTo(sampleRate / 10);
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {44_100, 48_000, 96_000})
    void kWeightingGainAtOneKilohertzIsTheStandardsOffset(int sampleRate) {
        // BS.1770's -0.691 offset cancels the filter's gain at 1 kHz: a full-scale sine's mean square of 0.5 reads
        // -3.01 LUFS on one channel.
        KWeightingFilter filter = new KWeightingFilter(sampleRate);
        double sum = 0;
        int n = sampleRate * 2;
        for (int i = 0; i < n; i++) {
            double y = filter.apply(Math.sin(2 * Math.PI * 1000.0 * i / sampleRate));
            if (i >= sampleRate) {
                sum += y * y;
            }
        }
        assertThat(-0.691 + 10 * Math.log10(sum / sampleRate)).isCloseTo(-3.01, within(0.02));
    }
}
