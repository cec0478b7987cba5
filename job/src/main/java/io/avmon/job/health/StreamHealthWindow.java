package io.avmon.job.health;

import io.avmon.job.audio.Bs1770;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamHealth;
import io.avmon.schema.VideoFrameFeatures;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * One stream's health over a tumbling window of ingest time: an incremental {@link Aggregate} (nothing but the
 * accumulator is kept per window) and a {@link Emit} that stamps the window and the stream on the result.
 *
 * <ul>
 *   <li>framesPerSecond: (frames - 1) over the media time they span;</li>
 *   <li>black/frozen seconds: frames the detectors flagged times the mean frame duration in the window;
 *       silent seconds: flagged blocks' own sample duration;</li>
 *   <li>shortTermLoudnessLufs: BS.1770-4 over the last 30 blocks (3 s), the same maths as the LoudnessDetector
 *       ({@link Bs1770}: G = 1 for L, R, C, 1.41 for surrounds, LFE excluded); null without audio or at or
 *       below the -70 LUFS absolute gate;</li>
 *   <li>openDefects: the DefectLifecycle's count after the window's last record. The lifecycle owns the
 *       open set, so no state outlives the window here.</li>
 * </ul>
 */
public final class StreamHealthWindow {
    private StreamHealthWindow() {}

    public static final double ABSOLUTE_GATE_LUFS = Bs1770.ABSOLUTE_GATE_LUFS;

    public static class Aggregate implements AggregateFunction<MediaEvent, HealthAccumulator, HealthAccumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public HealthAccumulator createAccumulator() {
            return new HealthAccumulator();
        }

        @Override
        public HealthAccumulator add(MediaEvent event, HealthAccumulator acc) {
            if (event.video != null) {
                VideoFrameFeatures frame = event.video;
                acc.videoFrames++;
                acc.firstVideoMediaUs = Math.min(acc.firstVideoMediaUs, frame.getMediaTimeUs());
                acc.lastVideoMediaUs = Math.max(acc.lastVideoMediaUs, frame.getMediaTimeUs());
                if (event.hasCondition(DefectType.BLACK_FRAMES)) acc.blackFrames++;
                if (event.hasCondition(DefectType.FROZEN_FRAMES)) acc.frozenFrames++;
                if (frame.getDecodeErrorFlags() != 0) acc.decodeErrorFrames++;
            } else if (event.audio != null) {
                AudioBlockFeatures block = event.audio;
                acc.audioBlocks++;
                if (event.hasCondition(DefectType.AUDIO_SILENCE) && block.getSampleRate() > 0) {
                    acc.silentSeconds += (double) block.getSampleCount() / block.getSampleRate();
                }
                acc.weightedMeanSquares[acc.loudnessBlocks % HealthAccumulator.SHORT_TERM_BLOCKS] =
                        Bs1770.weightedMeanSquare(block.getChannels());
                acc.loudnessBlocks++;
            }
            if (event.video != null || event.audio != null || event.status != null) {
                acc.openDefects = event.openDefects;
                acc.openDefectTypes = event.openDefectTypes;
            }
            return acc;
        }

        @Override
        public HealthAccumulator getResult(HealthAccumulator acc) {
            return acc;
        }

        @Override
        public HealthAccumulator merge(HealthAccumulator a, HealthAccumulator b) {
            // Only merging (session) windows call this; tumbling windows never do. Keep it correct anyway.
            a.videoFrames += b.videoFrames;
            a.firstVideoMediaUs = Math.min(a.firstVideoMediaUs, b.firstVideoMediaUs);
            a.lastVideoMediaUs = Math.max(a.lastVideoMediaUs, b.lastVideoMediaUs);
            a.blackFrames += b.blackFrames;
            a.frozenFrames += b.frozenFrames;
            a.decodeErrorFrames += b.decodeErrorFrames;
            a.audioBlocks += b.audioBlocks;
            a.silentSeconds += b.silentSeconds;
            for (int i = 0; i < Math.min(b.loudnessBlocks, HealthAccumulator.SHORT_TERM_BLOCKS); i++) {
                int slot = (b.loudnessBlocks - 1 - i) % HealthAccumulator.SHORT_TERM_BLOCKS;
                a.weightedMeanSquares[a.loudnessBlocks % HealthAccumulator.SHORT_TERM_BLOCKS] =
                        b.weightedMeanSquares[slot];
                a.loudnessBlocks++;
            }
            a.openDefects = b.openDefects;
            a.openDefectTypes = b.openDefectTypes;
            return a;
        }
    }

    public static class Emit extends ProcessWindowFunction<HealthAccumulator, StreamHealth, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(
                String streamId, Context context, Iterable<HealthAccumulator> elements, Collector<StreamHealth> out) {
            HealthAccumulator acc = elements.iterator().next();
            out.collect(toHealth(
                    streamId, context.window().getStart(), context.window().getEnd(), acc));
        }
    }

    static StreamHealth toHealth(String streamId, long windowStart, long windowEnd, HealthAccumulator acc) {
        double spanSeconds = acc.videoFrames >= 2 ? (acc.lastVideoMediaUs - acc.firstVideoMediaUs) / 1e6 : 0.0;
        double frameSeconds = spanSeconds > 0 ? spanSeconds / (acc.videoFrames - 1) : 0.0;
        List<DefectType> openTypes = new ArrayList<>();
        for (DefectType type : DefectType.values()) {
            if ((acc.openDefectTypes & MediaEvent.bit(type)) != 0) openTypes.add(type);
        }
        return StreamHealth.newBuilder()
                .setStreamId(streamId)
                .setWindowStartMs(windowStart)
                .setWindowEndMs(windowEnd)
                .setVideoFrames(acc.videoFrames)
                .setFramesPerSecond(spanSeconds > 0 ? (acc.videoFrames - 1) / spanSeconds : 0.0)
                .setAudioBlocks(acc.audioBlocks)
                .setBlackSeconds(acc.blackFrames * frameSeconds)
                .setFrozenSeconds(acc.frozenFrames * frameSeconds)
                .setSilentSeconds(acc.silentSeconds)
                .setDecodeErrorFrames(acc.decodeErrorFrames)
                .setShortTermLoudnessLufs(shortTermLoudness(acc))
                .setOpenDefects(acc.openDefects)
                .setOpenDefectTypes(openTypes)
                .build();
    }

    /**
     * Short-term loudness at the window's end, from the shared {@link Bs1770} maths: the mean of the last 30
     * blocks, or of all of them when the window holds fewer (a stream's first seconds).
     */
    static Double shortTermLoudness(HealthAccumulator acc) {
        int blocks = Math.min(acc.loudnessBlocks, HealthAccumulator.SHORT_TERM_BLOCKS);
        if (blocks == 0) {
            return null;
        }
        double lufs = Bs1770.loudness(Bs1770.recentMean(acc.weightedMeanSquares, acc.loudnessBlocks, blocks));
        return lufs > Bs1770.ABSOLUTE_GATE_LUFS ? lufs : null;
    }
}
