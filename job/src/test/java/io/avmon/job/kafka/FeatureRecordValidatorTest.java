package io.avmon.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.Features;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.util.Random;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;

class FeatureRecordValidatorTest {

    /** The job's clock in these tests: an hour after the test features' ingest epoch. */
    private static final long NOW_MS = Features.EPOCH_MS + 3_600_000;

    private static VideoFrameFeatures frame() {
        return Features.frame("cam-1", 7, Features.moving(new Random(3)));
    }

    private static AudioBlockFeatures block() {
        return Features.block("cam-1", 1, -20f, -6f);
    }

    private static FeatureRecordValidator.Rejection check(IndexedRecord record) {
        return FeatureRecordValidator.check(record, NOW_MS);
    }

    @Test
    void acceptsTheRecordsAConverterWrites() {
        assertThat(check(frame())).isNull();
        assertThat(check(block())).isNull();
        assertThat(check(Features.ended("cam-1", 0))).isNull();
    }

    @Test
    void refusesNanAndInfiniteMeasuresNamingTheField() {
        VideoFrameFeatures nan = frame();
        nan.setLumaMean(Float.NaN);
        assertThat(check(nan))
                .isEqualTo(new FeatureRecordValidator.Rejection(
                        DeadLetterCause.NON_FINITE_MEASURE, "VideoFrameFeatures.lumaMean is NaN"));

        VideoFrameFeatures infiniteOptional = frame();
        infiniteOptional.setFrameDifference(Float.POSITIVE_INFINITY);
        assertThat(check(infiniteOptional).error()).isEqualTo("VideoFrameFeatures.frameDifference is Infinity");
    }

    @Test
    void refusesANonFiniteLevelInsideAnAudioChannel() {
        AudioBlockFeatures audio = block();
        audio.getChannels().get(0).setKWeightedMeanSquare(Double.NEGATIVE_INFINITY);
        FeatureRecordValidator.Rejection rejection = check(audio);
        assertThat(rejection.cause()).isEqualTo(DeadLetterCause.NON_FINITE_MEASURE);
        assertThat(rejection.error()).isEqualTo("AudioBlockFeatures.channels[0].kWeightedMeanSquare is -Infinity");
    }

    @Test
    void refusesNegativeSizes() {
        VideoFrameFeatures video = frame();
        video.setHeight(-1080);
        assertThat(check(video))
                .isEqualTo(new FeatureRecordValidator.Rejection(
                        DeadLetterCause.NEGATIVE_SIZE, "VideoFrameFeatures.height is -1080"));

        AudioBlockFeatures audio = block();
        audio.setSampleRate(-48_000);
        assertThat(check(audio).cause()).isEqualTo(DeadLetterCause.NEGATIVE_SIZE);
        audio.setSampleRate(48_000);
        audio.setChannelCount(-2);
        assertThat(check(audio).error()).isEqualTo("AudioBlockFeatures.channelCount is -2");
    }

    @Test
    void refusesIngestTimesDecadesAwayFromTheJobsClockButNotABacklog() {
        VideoFrameFeatures epochZero = frame();
        epochZero.setIngestTimeMs(0);
        FeatureRecordValidator.Rejection past = check(epochZero);
        assertThat(past.cause()).isEqualTo(DeadLetterCause.IMPLAUSIBLE_TIMESTAMP);
        assertThat(past.error()).startsWith("ingestTimeMs 0 (1970-01-01T00:00:00Z) is more than 365 days before");

        StreamStatus future = Features.ended("cam-1", 0);
        future.setIngestTimeMs(NOW_MS + 30L * 365 * 86_400_000);
        assertThat(check(future).error()).contains("more than 2 days after");

        VideoFrameFeatures absurd = frame();
        absurd.setIngestTimeMs(Long.MAX_VALUE);
        assertThat(check(absurd).error()).contains("(+292278994-08-17T07:12:55.807Z)");

        VideoFrameFeatures weekOldBacklog = frame();
        weekOldBacklog.setIngestTimeMs(NOW_MS - 7L * 86_400_000);
        assertThat(check(weekOldBacklog)).isNull();
        VideoFrameFeatures skewedClock = frame();
        skewedClock.setIngestTimeMs(NOW_MS + 60_000);
        assertThat(check(skewedClock)).isNull();
    }

    @Test
    void refusesStreamIdsThatCouldNotBeANameBeforeAnyOtherRule() {
        VideoFrameFeatures huge = frame();
        huge.setStreamId("x".repeat(10_240));
        huge.setLumaMean(Float.NaN);
        assertThat(check(huge))
                .isEqualTo(new FeatureRecordValidator.Rejection(
                        DeadLetterCause.BAD_STREAM_ID, "stream id is 10240 characters long, more than 128"));

        AudioBlockFeatures control = block();
        control.setStreamId("cam\u00071");
        assertThat(check(control).error()).contains("control character U+0007");

        StreamStatus traversal = Features.ended("../../etc/cron.d/x", 0);
        assertThat(check(traversal).cause()).isEqualTo(DeadLetterCause.BAD_STREAM_ID);
        StreamStatus separator = Features.ended("site\\cam", 0);
        assertThat(check(separator).error()).contains("path separator");
    }
}
