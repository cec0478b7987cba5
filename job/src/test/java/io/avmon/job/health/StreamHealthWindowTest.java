package io.avmon.job.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.job.Features;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamHealth;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamHealthWindowTest {
    private final StreamHealthWindow.Aggregate aggregate = new StreamHealthWindow.Aggregate();

    /** A block whose channels carry the given K-weighted mean squares. */
    private static MediaEvent block(long seq, double... meanSquares) {
        AudioBlockFeatures block =
                Features.block("s", seq, new float[meanSquares.length], new float[meanSquares.length]);
        for (int c = 0; c < meanSquares.length; c++) {
            ChannelLevels levels = block.getChannels().get(c);
            levels.setKWeightedMeanSquare(meanSquares[c]);
        }
        return MediaEvent.of(block);
    }

    @Test
    void stereoAtMinus23LufsReadsMinus23() {
        // EBU Tech 3341 case 1 in feature form: channels whose K-weighted power sums to -23 LUFS.
        double perChannel = Math.pow(10, (-23 + 0.691) / 10) / 2;
        HealthAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < 100; i++) aggregate.add(block(i, perChannel, perChannel), acc);
        assertThat(StreamHealthWindow.shortTermLoudness(acc)).isCloseTo(-23.0, within(0.01));
    }

    @Test
    void shortTermLoudnessUsesOnlyTheLastThreeSeconds() {
        double loud = Math.pow(10, (-10 + 0.691) / 10) / 2;
        double target = Math.pow(10, (-30 + 0.691) / 10) / 2;
        HealthAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < 70; i++) aggregate.add(block(i, loud, loud), acc);
        for (int i = 70; i < 100; i++) aggregate.add(block(i, target, target), acc);
        assertThat(StreamHealthWindow.shortTermLoudness(acc)).isCloseTo(-30.0, within(0.01));
    }

    @Test
    void surroundChannelsWeighMoreAndLfeIsExcluded() {
        double ms = 0.001;
        HealthAccumulator acc = aggregate.createAccumulator();
        aggregate.add(block(0, ms, ms, ms, 1.0, ms, ms), acc); // 5.1: FL FR FC LFE BL BR, a loud LFE
        assertThat(StreamHealthWindow.shortTermLoudness(acc))
                .isCloseTo(-0.691 + 10 * Math.log10(3 * ms + 2 * 1.41 * ms), within(1e-9));
    }

    @Test
    void silenceIsBelowTheAbsoluteGateAndReadsNull() {
        HealthAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < 30; i++) aggregate.add(block(i, 1e-9, 1e-9), acc);
        assertThat(StreamHealthWindow.shortTermLoudness(acc)).isNull();
        assertThat(StreamHealthWindow.shortTermLoudness(aggregate.createAccumulator()))
                .as("no audio")
                .isNull();
    }

    @Test
    void countsFramesAndFlaggedSecondsAndOpenDefects() {
        Random random = new Random(3);
        HealthAccumulator acc = aggregate.createAccumulator();
        for (int i = 0; i < 250; i++) {
            MediaEvent frame = MediaEvent.of(Features.frame("s", i, Features.moving(random)));
            frame.markCondition(DefectType.BLACK_FRAMES, i < 100);
            frame.markCondition(DefectType.FROZEN_FRAMES, i >= 200);
            frame.openDefects = i >= 75 && i < 100 ? 1 : 0;
            frame.openDefectTypes = frame.openDefects == 1 ? MediaEvent.bit(DefectType.BLACK_FRAMES) : 0;
            aggregate.add(frame, acc);
        }
        MediaEvent last = MediaEvent.of(Features.block("s", 99, -20f, -6f));
        last.openDefects = 1;
        last.openDefectTypes = MediaEvent.bit(DefectType.FROZEN_FRAMES);
        aggregate.add(last, acc);

        StreamHealth health = StreamHealthWindow.toHealth("s", 0, 10_000, acc);
        assertThat(health.getVideoFrames()).isEqualTo(250);
        assertThat(health.getFramesPerSecond()).isCloseTo(25.0, within(1e-9));
        assertThat(health.getBlackSeconds()).isCloseTo(4.0, within(1e-9));
        assertThat(health.getFrozenSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(health.getAudioBlocks()).isEqualTo(1);
        assertThat(health.getOpenDefects()).isEqualTo(1);
        assertThat(health.getOpenDefectTypes()).containsExactly(DefectType.FROZEN_FRAMES);
    }
}
