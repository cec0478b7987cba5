package io.avmon.job;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import io.avmon.job.defect.DefectLifecycle;
import io.avmon.job.detect.AudioChannelLossDetector;
import io.avmon.job.detect.AudioClippingDetector;
import io.avmon.job.detect.AudioSilenceDetector;
import io.avmon.job.detect.AvSyncDetector;
import io.avmon.job.detect.BlackFrameDetector;
import io.avmon.job.detect.BlockCorruptionDetector;
import io.avmon.job.detect.ColorBarsDetector;
import io.avmon.job.detect.FrameDropDetector;
import io.avmon.job.detect.FrozenFrameDetector;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.job.detect.StreamStallDetector;
import io.avmon.schema.DefectEvent;

/** The topology's keyed operators, each in its own operator harness, fed one after the other. */
public final class DetectorChain implements AutoCloseable {
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> black;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> colorBars;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> frozen;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> blockCorruption;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> frameDrop;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> silence;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> clipping;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> channelLoss;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> loudness;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> avSync;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> lifecycle;
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stall;
    private final List<KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent>> stages;
    private final List<MediaEvent> forwarded = new ArrayList<>();

    public DetectorChain(DetectionProfile profile) throws Exception {
        black = harness(new BlackFrameDetector(profile.black()));
        colorBars = harness(new ColorBarsDetector(profile.colorBars()));
        frozen = harness(new FrozenFrameDetector(profile.frozen(), profile.stateRetention()));
        blockCorruption = harness(new BlockCorruptionDetector(profile.blockCorruption(), profile.stateRetention()));
        frameDrop = harness(new FrameDropDetector(profile.frameDrop(), profile.stateRetention()));
        silence = harness(new AudioSilenceDetector(profile.silence()));
        clipping = harness(new AudioClippingDetector(profile.clipping()));
        channelLoss = harness(new AudioChannelLossDetector(profile.channelLoss()));
        loudness = harness(new LoudnessDetector(profile.loudness(), profile.stateRetention()));
        avSync = harness(new AvSyncDetector(profile.avSync(), profile.stateRetention()));
        lifecycle = harness(new DefectLifecycle(profile));
        stall = harness(new StreamStallDetector(profile));
        stages = List.of(black, colorBars, frozen, blockCorruption, frameDrop, silence, clipping, channelLoss, loudness, avSync, lifecycle, stall);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness(
            KeyedProcessFunction<String, MediaEvent, MediaEvent> function) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, new DetectorTopology.StreamIdKey(), Types.STRING);
        harness.open();
        return harness;
    }

    public void process(SpecificRecord record) throws Exception {
        process(MediaEvent.of(record));
    }

    public void process(MediaEvent event) throws Exception {
        List<MediaEvent> batch = List.of(event);
        for (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage : stages) {
            for (MediaEvent e : batch) {
                stage.processElement(e, e.ingestTimeMs);
            }
            batch = new ArrayList<>(stage.extractOutputValues());
            stage.getOutput().clear();
        }
        forwarded.addAll(batch);
    }

    public void processAll(Iterable<? extends SpecificRecord> records) throws Exception {
        for (SpecificRecord record : records) {
            process(record);
        }
    }

    public void setProcessingTime(long time) throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage : stages) {
            stage.setProcessingTime(time);
        }
    }

    /** Every DefectEvent the lifecycle emitted so far, in order, then the stall detector's. */
    public List<DefectEvent> defects() {
        List<DefectEvent> defects = new ArrayList<>();
        for (var stage : List.of(lifecycle, stall)) {
            var queue = stage.getSideOutput(DefectLifecycle.DEFECTS);
            if (queue != null) {
                for (StreamRecord<DefectEvent> record : queue) defects.add(record.getValue());
            }
        }
        return defects;
    }

    /** The MediaEvents that came out of the lifecycle. */
    public List<MediaEvent> forwarded() {
        return forwarded;
    }

    public int keyedStateEntries() {
        return stages.stream().mapToInt(KeyedOneInputStreamOperatorTestHarness::numKeyedStateEntries).sum();
    }

    public int timers() {
        return stages.stream().mapToInt(s -> s.numProcessingTimeTimers() + s.numEventTimeTimers()).sum();
    }

    /**
     * Runs audio blocks of {@code sound} every 100 ms for {@code durationMs} through the default chain, then
     * ENDED, and returns the defects; asserts that no keyed state or timer is left behind.
     */
    public static List<DefectEvent> audioOnly(long durationMs, java.util.function.LongFunction<Program.Levels> sound)
            throws Exception {
        try (DetectorChain chain = new DetectorChain(DetectionProfile.defaults())) {
            for (long seq = 0; seq * 100 < durationMs; seq++) {
                Program.Levels l = sound.apply(seq * 100);
                chain.process(Features.block("s", seq, l.rmsDbfs(), l.peakDbfs(), l.nearFullScaleSamples()));
            }
            chain.process(Features.ended("s", durationMs * 1000));
            org.assertj.core.api.Assertions.assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            org.assertj.core.api.Assertions.assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    @Override
    public void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage : stages) stage.close();
    }
}
