package io.avmon.job.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The meter against EBU Tech 3341 style signals, in feature form: a 1 kHz sine of amplitude A dBFS has a mean
 * square of 10^(A/10)/2, and K-weighting adds its 1 kHz gain of 0.691 dB, so each channel's K-weighted mean square
 * is 10^((A + 0.691)/10)/2.
 */
class LoudnessMeterTest {

    /** Σ G·z of one block of a stereo 1 kHz sine at {@code dbfs} on each channel. */
    private static double stereoSine(double dbfs) {
        double perChannel = Math.pow(10, (dbfs + 0.691) / 10) / 2;
        return 1.0 * perChannel + 1.0 * perChannel;
    }

    private static LoudnessMeter feed(LoudnessMeter meter, int blocks, double weightedMeanSquare) {
        for (int i = 0; i < blocks; i++) meter.add(weightedMeanSquare);
        return meter;
    }

    @Test
    void stereoSineAtMinus23DbfsReadsMinus23LufsMomentaryShortTermAndIntegrated() {
        LoudnessMeter meter = feed(new LoudnessMeter(), 200, stereoSine(-23));
        assertThat(meter.momentaryLufs()).isCloseTo(-23.0, within(0.1));
        assertThat(meter.shortTermLufs()).isCloseTo(-23.0, within(0.1));
        assertThat(meter.integratedLufs()).isCloseTo(-23.0, within(0.1));
    }

    @Test
    void stereoSineAtMinus33DbfsReadsMinus33Lufs() {
        LoudnessMeter meter = feed(new LoudnessMeter(), 200, stereoSine(-33));
        assertThat(meter.momentaryLufs()).isCloseTo(-33.0, within(0.1));
        assertThat(meter.shortTermLufs()).isCloseTo(-33.0, within(0.1));
        assertThat(meter.integratedLufs()).isCloseTo(-33.0, within(0.1));
    }

    @Test
    void momentaryAndShortTermNeedTheirWholeWindow() {
        LoudnessMeter meter = feed(new LoudnessMeter(), 3, stereoSine(-23));
        assertThat(meter.momentaryLufs()).isNaN();
        feed(meter, 1, stereoSine(-23));
        assertThat(meter.momentaryLufs()).isCloseTo(-23.0, within(0.01));
        assertThat(meter.shortTermLufs()).isNaN();
        feed(meter, 26, stereoSine(-23));
        assertThat(meter.shortTermLufs()).isCloseTo(-23.0, within(0.01));
    }

    @Test
    void shortTermFollowsTheLastThreeSecondsAndMomentaryTheLast400Ms() {
        LoudnessMeter meter = feed(new LoudnessMeter(), 100, stereoSine(-10));
        feed(meter, 30, stereoSine(-30));
        assertThat(meter.shortTermLufs()).isCloseTo(-30.0, within(0.01));
        feed(meter, 4, stereoSine(-20));
        assertThat(meter.momentaryLufs()).isCloseTo(-20.0, within(0.01));
        // 26 blocks at -30 and 4 at -20 in the short-term window.
        double expected = -0.691 + 10 * Math.log10((26 * stereoSine(-30) + 4 * stereoSine(-20)) / 30);
        assertThat(meter.shortTermLufs()).isCloseTo(expected, within(0.01));
    }

    @Test
    void relativeGateLeavesTheQuietPartOfALoudThenQuietProgrammeOut() {
        // 10 s at -20 LUFS, then 10 s at -40 LUFS: 200 blocks, momentary (gating) blocks from the 4th block on.
        LoudnessMeter meter = feed(new LoudnessMeter(), 100, stereoSine(-20));
        feed(meter, 100, stereoSine(-40));
        double loud = stereoSine(-20);
        double quiet = stereoSine(-40);
        // Gating blocks: 97 all loud; 3 across the change, (3L+Q)/4, (2L+2Q)/4, (L+3Q)/4, summing to 1.5L + 1.5Q;
        // 97 all quiet. All are above the -70 LUFS absolute gate.
        double absoluteGated = (97 * loud + 1.5 * loud + 1.5 * quiet + 97 * quiet) / 200;
        double relativeGate = -0.691 + 10 * Math.log10(absoluteGated) - 10; // about -33.0 LUFS
        assertThat(relativeGate).isCloseTo(-33.03, within(0.01));
        // The quiet blocks (-40) fall below it; the three across the change (-21.2, -23.0, -26.0) stay above.
        double expected = -0.691 + 10 * Math.log10((97 * loud + 1.5 * loud + 1.5 * quiet) / 100); // about -20.07
        assertThat(meter.integratedLufs()).isCloseTo(expected, within(0.05));
        assertThat(meter.integratedLufs())
                .as("without the relative gate it would read about -23.0")
                .isGreaterThan(-0.691 + 10 * Math.log10(absoluteGated) + 2);
    }

    @Test
    void absoluteGateKeepsSilenceOutOfTheIntegratedLoudness() {
        LoudnessMeter meter = feed(new LoudnessMeter(), 100, 0.0);
        assertThat(meter.momentaryLufs()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(meter.integratedLufs()).as("silence has no loudness").isNaN();
        feed(meter, 100, stereoSine(-23));
        // Gating blocks across the start hold 1, 2, 3 of 4 tone blocks; then 97 full ones. The silent ones never count.
        double tone = stereoSine(-23);
        double expected = -0.691 + 10 * Math.log10((97 * tone + (0.25 + 0.5 + 0.75) * tone) / 100);
        assertThat(meter.integratedLufs()).isCloseTo(expected, within(0.05));
    }

    @Test
    void memoryStaysTheSameHoweverLongTheProgramme() {
        LoudnessMeter meter = new LoudnessMeter();
        for (int i = 0; i < 100_000; i++) meter.add(stereoSine(-23 + 10 * Math.sin(i / 50.0)));
        assertThat(meter.blockMeanSquares).hasSize(30);
        assertThat(meter.gatingHistogram).hasSize(751);
        assertThat(meter.blocks).isEqualTo(100_000);
        feed(meter, 1, stereoSine(20)); // louder than the histogram's +5 LUFS ceiling lands in its top bin
        assertThat(meter.gatingHistogram[750]).isPositive();
    }

    @Test
    void surroundChannelsWeigh141AndLfeIsExcluded() {
        assertThat(Bs1770.channelWeight(0, 6)).isEqualTo(1.0);
        assertThat(Bs1770.channelWeight(2, 6)).isEqualTo(1.0);
        assertThat(Bs1770.channelWeight(3, 6)).as("LFE").isZero();
        assertThat(Bs1770.channelWeight(4, 6)).isEqualTo(1.41);
        assertThat(Bs1770.channelWeight(5, 6)).isEqualTo(1.41);
        assertThat(Bs1770.channelWeight(3, 5)).as("5.0 back left").isEqualTo(1.41);
        assertThat(Bs1770.channelWeight(1, 2)).isEqualTo(1.0);
        assertThat(Bs1770.channelWeight(0, 1)).isEqualTo(1.0);
    }
}
