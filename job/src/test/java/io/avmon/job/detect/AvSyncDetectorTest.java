package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorChain;
import io.avmon.job.DetectorTopology;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.VideoFrameFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AvSyncDetectorTest {
    private final Random random = new Random(29);

    /**
     * A flash-and-beep pattern at 25 fps over a grey picture and a -55 dBFS floor: a flash once per second at a phase
     * of 0-280 ms (so the beeps fall at every point of the 100 ms block grid), and a 60 ms beep {@code audioLateMs}
     * after it, from {@code fromMs} to {@code toMs}; its sound is seen as the features show it, block by block.
     */
    private List<SpecificRecord> pattern(long fromMs, long toMs, long audioLateMs, List<SpecificRecord> records) {
        List<Long> flashes = new ArrayList<>();
        for (long second = fromMs / 1000; second * 1000 < toMs - 1000; second++) {
            long flash = second * 1000 + 40 * ((second * 3) % 8);
            if (flash >= fromMs) flashes.add(flash);
        }
        for (long ms = fromMs; ms < toMs; ms += 40) {
            boolean white = false;
            for (long f : flashes) white |= ms >= f && ms < f + 80;
            boolean edge = flashes.contains(ms) || flashes.contains(ms - 80);
            records.add(frame(ms, white ? 235f : 48f, edge ? 187f : 1.2f));
        }
        for (long ms = fromMs; ms < toMs; ms += 100) {
            double beepMs = 0;
            for (long f : flashes) {
                long start = f + audioLateMs;
                beepMs += Math.max(0, Math.min(ms + 100, start + 60) - Math.max(ms, start));
            }
            // A -12 dBFS peak sine over the floor: -15 dBFS RMS for the share of the block it sounds.
            double power = Math.pow(10, -5.5) + beepMs / 100 * Math.pow(10, -1.5);
            float rms = (float) (10 * Math.log10(power));
            records.add(Features.block("s", ms / 100, rms, beepMs > 0 ? -12f : -45f));
        }
        return records;
    }

    private VideoFrameFeatures frame(long ms, float lumaMean, float frameDifference) {
        VideoFrameFeatures f = Features.frame("s", ms / 40, Features.moving(random));
        f.setLumaMean(lumaMean);
        f.setFrameDifference(ms == 0 ? null : frameDifference);
        f.setBlackPixelShare(0f);
        return f;
    }

    private static List<SpecificRecord> sorted(List<SpecificRecord> records) {
        records.sort(Comparator.comparingLong(Program::ingestTime));
        return records;
    }

    private static DetectorChain run(DetectionProfile profile, List<SpecificRecord> records, long lastMediaUs)
            throws Exception {
        DetectorChain chain = new DetectorChain(profile);
        chain.processAll(records);
        chain.process(Features.ended("s", lastMediaUs));
        assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
        assertThat(chain.timers()).as("timers after ENDED").isZero();
        return chain;
    }

    private static double lastEstimate(DetectorChain chain) {
        List<MediaEvent> audio =
                chain.forwarded().stream().filter(e -> e.audio != null).toList();
        return audio.get(audio.size() - 1).measure(DefectType.AV_SYNC_OFFSET);
    }

    @Test
    void shouldOpenWhenAudioIs250MsLateAndCloseOnceBackInSync() throws Exception {
        List<SpecificRecord> records = new ArrayList<>();
        pattern(0, 20_000, 250, records);
        pattern(20_000, 40_000, 0, records);
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 39_960_000)) {
            List<DefectEvent> defects = chain.defects();
            assertThat(defects)
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            DefectEvent closed = defects.get(1);
            assertThat(closed.getDefectType()).isEqualTo(DefectType.AV_SYNC_OFFSET);
            assertThat(closed.getValue()).isCloseTo(250.0, Offset.offset(40.0));
            assertThat(closed.getUnit()).isEqualTo("ms");
            assertThat(closed.getSeverity()).isEqualTo(Severity.MAJOR);
            assertThat(closed.getDetector()).isEqualTo("AvSyncDetector");
            // Raised once five pairs agree, but dated from the first flash of those pairs, at 0-1.3 s.
            assertThat(closed.getStartMediaTimeMs())
                    .as("the first pair's flash")
                    .isBetween(0L, 1_300L);
            assertThat(closed.getEndMediaTimeMs())
                    .as("once the in-sync pairs outnumber the late ones")
                    .isBetween(20_000L, 27_000L);
            assertThat(lastEstimate(chain)).isCloseTo(0.0, Offset.offset(40.0));
        }
    }

    @Test
    void shouldMeasureAudioEarlyWithoutAlarmInsideTheTolerance() throws Exception {
        try (DetectorChain chain =
                run(DefectKind.defaultProfile(), sorted(pattern(0, 20_000, -80, new ArrayList<>())), 19_960_000)) {
            assertThat(chain.defects())
                    .as("80 ms early is inside BT.1359's 90 ms")
                    .isEmpty();
            assertThat(lastEstimate(chain)).isCloseTo(-80.0, Offset.offset(40.0));
        }
    }

    @Test
    void shouldRaiseNothingOnAnInSyncPattern() throws Exception {
        try (DetectorChain chain =
                run(DefectKind.defaultProfile(), sorted(pattern(0, 20_000, 0, new ArrayList<>())), 19_960_000)) {
            assertThat(chain.defects()).isEmpty();
            assertThat(lastEstimate(chain)).isCloseTo(0.0, Offset.offset(40.0));
        }
    }

    @Test
    void shouldCloseAnOpenOffsetAndForgetTheStreamAtEnded() throws Exception {
        AvSyncDetector detector = new AvSyncDetector(AvSyncDetector.Thresholds.DEFAULTS, DefectKind.STATE_RETENTION);
        try (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        detector, new DetectorTopology.StreamIdKey(), Types.STRING)) {
            harness.open();
            for (SpecificRecord r : sorted(pattern(0, 12_000, 300, new ArrayList<>()))) {
                MediaEvent e = MediaEvent.of(r);
                harness.processElement(e, e.ingestTimeMs);
            }
            List<MediaEvent> out = harness.extractOutputValues();
            MediaEvent last = out.get(out.size() - 1);
            assertThat(last.hasCondition(DefectType.AV_SYNC_OFFSET)).isTrue();
            assertThat((double) last.measure(DefectType.AV_SYNC_OFFSET)).isCloseTo(300.0, Offset.offset(40.0));
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
            MediaEvent ended = MediaEvent.of(Features.ended("s", 11_960_000));
            harness.processElement(ended, ended.ingestTimeMs);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
        List<SpecificRecord> records = sorted(pattern(0, 12_000, 300, new ArrayList<>()));
        try (DetectorChain chain = run(DefectKind.defaultProfile(), records, 11_960_000)) {
            assertThat(chain.defects())
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(chain.defects().get(1).getEndMediaTimeMs()).isEqualTo(11_960L);
        }
    }

    @Test
    void shouldIgnoreCutsOverProgrammeSound() throws Exception {
        // Cuts every 1-2 s with programme sound whose level swings by up to 12 dB from block to block.
        List<SpecificRecord> records = new ArrayList<>();
        long nextCut = 1_000;
        float shotLuma = 110f;
        for (long ms = 0; ms < 30_000; ms += 40) {
            boolean cut = ms == nextCut;
            if (cut) {
                nextCut += 1_000 + 40 * random.nextInt(25);
                shotLuma = 60f + random.nextInt(120);
            }
            records.add(frame(ms, shotLuma + random.nextFloat() * 2, cut ? 60f : 5f));
        }
        for (long ms = 0; ms < 30_000; ms += 100) {
            float rms = -30f + random.nextFloat() * 12;
            records.add(Features.block("s", ms / 100, rms, rms + 12));
        }
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 29_960_000)) {
            assertThat(chain.defects()).isEmpty();
            assertThat(chain.forwarded())
                    .allSatisfy(e ->
                            assertThat(e.measure(DefectType.AV_SYNC_OFFSET)).isNaN());
        }
    }

    /** The frame grids' jitter on the converter's track skew, as measured on a 25 fps H.264 + AAC MPEG-TS clip. */
    private static final float[] SKEW_JITTER = {
        -13f, 13.7f, 0.3f, 5.7f, -7.7f, 19f, -15.7f, 11f, -2.3f, 3f, -10.3f, 16.3f, -18.3f, 8.3f, -5f
    };

    /** Stamps each audio block with the track skew: a 77 ms interleave with its jitter, plus {@code restampMs} inside [from, to). */
    private static List<SpecificRecord> withSkew(
            List<SpecificRecord> records, long fromMs, long toMs, float restampMs) {
        int i = 0;
        for (SpecificRecord r : records) {
            if (r instanceof AudioBlockFeatures block) {
                long ms = block.getMediaTimeUs() / 1000;
                block.setTrackSkewMs(
                        77f + SKEW_JITTER[i++ % SKEW_JITTER.length] + (ms >= fromMs && ms < toMs ? restampMs : 0f));
            }
        }
        return records;
    }

    /** Moving pictures and programme sound: nothing the content path can pair. */
    private List<SpecificRecord> programme(long durationMs) {
        List<SpecificRecord> records = new ArrayList<>();
        for (long ms = 0; ms < durationMs; ms += 40) {
            records.add(frame(ms, 110f + random.nextFloat() * 4, 6f + random.nextFloat() * 3));
        }
        for (long ms = 0; ms < durationMs; ms += 100) {
            float rms = -26f + random.nextFloat() * 6;
            records.add(Features.block("s", ms / 100, rms, rms + 12));
        }
        return records;
    }

    @Test
    void aRestampedAudioTrackIsMeasuredFromTimestampsWhateverTheContent() throws Exception {
        List<SpecificRecord> records = withSkew(programme(30_000), 10_000, 20_000, 220f);
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 29_960_000)) {
            assertThat(chain.defects())
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            DefectEvent closed = chain.defects().get(1);
            assertThat(closed.getValue()).isCloseTo(220.0, Offset.offset(15.0));
            assertThat(closed.getStartMediaTimeMs())
                    .as("dated from the first block of the sample the moved timestamps joined: at most one block early")
                    .isBetween(9_900L, 10_500L);
            assertThat(closed.getEndMediaTimeMs()).isBetween(20_000L, 20_500L);
        }
    }

    @Test
    void audioRestampedEarlyIsANegativeOffset() throws Exception {
        List<SpecificRecord> records = withSkew(programme(24_000), 8_000, 16_000, -130f);
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 23_960_000)) {
            assertThat(chain.defects())
                    .extracting(DefectEvent::getState)
                    .containsExactly(DefectState.OPENED, DefectState.CLOSED);
            assertThat(chain.defects().get(1).getValue()).isCloseTo(-130.0, Offset.offset(15.0));
        }
    }

    @Test
    void aSteadyInterleaveWithFrameGridJitterIsInSync() throws Exception {
        List<SpecificRecord> records = withSkew(programme(30_000), 0, 0, 0f);
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 29_960_000)) {
            assertThat(chain.defects()).isEmpty();
            List<MediaEvent> audio =
                    chain.forwarded().stream().filter(e -> e.audio != null).toList();
            // 20 blocks learn the stream's normal, and the first reading waits for a full window of 5 after them.
            assertThat(audio.subList(0, 24))
                    .as("learning the stream's normal")
                    .allSatisfy(e ->
                            assertThat(e.measure(DefectType.AV_SYNC_OFFSET)).isNaN());
            assertThat(audio.subList(24, audio.size()))
                    .allSatisfy(e -> assertThat((double) e.measure(DefectType.AV_SYNC_OFFSET))
                            .isCloseTo(0.0, Offset.offset(20.0)));
        }
    }

    @Test
    void theContentEstimateWinsOverTheTimestamps() throws Exception {
        // Re-stamped on purpose to correct an upstream delay: the timestamps move, the flashes and beeps stay in sync.
        List<SpecificRecord> records = withSkew(pattern(0, 20_000, 0, new ArrayList<>()), 6_000, 20_000, 220f);
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 19_960_000)) {
            assertThat(chain.defects()).isEmpty();
            assertThat(lastEstimate(chain)).isCloseTo(0.0, Offset.offset(40.0));
        }
    }

    /**
     * The muxer's sound bursts as Debian's ffmpeg wrote x264 + AAC in MPEG-TS (unseen-media.md): the blocks of a burst
     * are demuxed between the same two pictures, so their skews climb by 100 ms a block up to the burst's last, at the
     * steady interleave. Over music a burst is 2 blocks; over the silence at 10-16 s it is 4, and every block's skew
     * falls by about 100 ms in the median. No sync changed.
     */
    @Test
    void longerSoundBurstsOverSilenceAreNoSyncOffset() throws Exception {
        List<SpecificRecord> records = programme(30_000);
        int inBurst = 0;
        for (SpecificRecord r : records) {
            if (r instanceof AudioBlockFeatures block) {
                long ms = block.getMediaTimeUs() / 1000;
                int burst = ms >= 10_000 && ms < 16_000 ? 4 : 2;
                inBurst = (inBurst + 1) % burst;
                // The burst's last block (inBurst 0) at the interleave, the ones before it 100 ms per block lower.
                int beforeLast = (burst - inBurst) % burst;
                block.setTrackSkewMs(60f - 100f * beforeLast + SKEW_JITTER[(int) (ms / 100) % SKEW_JITTER.length]);
            }
        }
        try (DetectorChain chain = run(DefectKind.defaultProfile(), sorted(records), 29_960_000)) {
            assertThat(chain.defects()).isEmpty();
            assertThat(chain.forwarded().stream()
                            .filter(e -> e.audio != null)
                            .mapToDouble(e -> e.measure(DefectType.AV_SYNC_OFFSET))
                            .filter(ms -> !Double.isNaN(ms)))
                    .as("every reading within the frame grids' jitter")
                    .allSatisfy(ms -> assertThat(ms).isCloseTo(0.0, Offset.offset(40.0)));
        }
    }
}
