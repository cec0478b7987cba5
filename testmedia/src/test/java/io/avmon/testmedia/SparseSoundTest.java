package io.avmon.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's sparse sounds over digital silence, and the layouts and codecs only an external encoder writes: what the
 * corpus's hard negatives and its Debian arm rely on.
 */
class SparseSoundTest {

    private static final int RATE = 48_000;

    private static float[][] oneSecond(AudioContent content, int channels) {
        float[][] out = new float[channels][RATE];
        new AudioSynthesizer(RATE, channels, 7).generate(content, 5L * RATE, RATE, out);
        return out;
    }

    private static double peakDbfs(float[] samples, int from, int to) {
        double peak = 0;
        for (int i = from; i < to; i++) {
            peak = Math.max(peak, Math.abs(samples[i]));
        }
        return 20 * Math.log10(peak);
    }

    private static boolean digitalZeros(float[] samples, int from, int to) {
        for (int i = from; i < to; i++) {
            if (samples[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void lineUpPatternIsA40MsBeepAtMinus6DbfsOverDigitalZeros() {
        float[][] second = oneSecond(AudioContent.LINEUP_BEEPS, 2);
        for (float[] channel : second) {
            assertThat(peakDbfs(channel, 0, RATE * 40 / 1000)).isCloseTo(-6, org.assertj.core.data.Offset.offset(0.1));
            assertThat(digitalZeros(channel, RATE * 40 / 1000, RATE)).isTrue();
        }
    }

    @Test
    void tickingIsAShortClickOverDigitalZeros() {
        float[][] second = oneSecond(AudioContent.TICKING, 2);
        for (float[] channel : second) {
            assertThat(peakDbfs(channel, 0, RATE * 6 / 1000)).isGreaterThan(-10).isLessThan(-8);
            assertThat(digitalZeros(channel, RATE * 6 / 1000, RATE)).isTrue();
        }
    }

    @Test
    void monoAndSurroundLayoutsCarryTheStereoPairsLoudness() {
        // BS.1770: the weighted sum of the channels' power equals a stereo pair's (LFE 0, surrounds 1.41).
        assertThat(AudioSynthesizer.layoutGain(2)).isEqualTo(1.0);
        assertThat(AudioSynthesizer.layoutGain(1) * AudioSynthesizer.layoutGain(1))
                .isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        double g = AudioSynthesizer.layoutGain(6);
        assertThat(g * g * (3 + 2 * 1.41)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void x264AndX265NeedAnExternalEncoderAndHevcTakesNoBitstreamDamage(@org.junit.jupiter.api.io.TempDir Path dir) {
        ClipSpec x264 = ClipSpec.builder()
                .container("mpegts", ClipSpec.X264, "aac")
                .videoBitrate(1_000_000)
                .segment(1, VideoKind.MOTION, AudioContent.PROGRAMME)
                .build();
        assertThatThrownBy(() -> ClipWriter.write(x264, dir.resolve("x264.ts")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass an encoder");
        assertThatThrownBy(() -> ClipSpec.builder()
                        .container("mpegts", ClipSpec.X265, "aac")
                        .segment(4, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .damageBitstream(1, 1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MPEG-2 or H.264");
    }
}
