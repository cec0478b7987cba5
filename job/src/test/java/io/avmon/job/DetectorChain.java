package io.avmon.job;

import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.defect.DefectLifecycle;
import io.avmon.schema.DefectEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.api.Assertions;

/**
 * The topology's keyed operators, each in its own operator harness, fed one after the other: one per
 * {@link DefectKind} row in the table's order, the lifecycle, then the rows placed after it, as
 * {@link DetectorTopology} wires them.
 */
public final class DetectorChain implements AutoCloseable {
    /** The stream stall detector's harness (its watchdog timers are asserted on). */
    public final KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stall;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent>> stages =
            new ArrayList<>();
    /** The stages that emit defects: the lifecycle, then the rows after it. */
    private final List<KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent>> emitters =
            new ArrayList<>();

    private final List<MediaEvent> forwarded = new ArrayList<>();

    private final DetectionProfile profile;
    private final List<OperatorSubtaskState> restoreFrom;
    private int harnessesMade;

    public DetectorChain(DetectionProfile profile) throws Exception {
        this(profile, null);
    }

    /** The chain restored from one snapshot per stage, in the chain's order; none gives a fresh chain. */
    private DetectorChain(DetectionProfile profile, List<OperatorSubtaskState> restoreFrom) throws Exception {
        this.profile = profile;
        this.restoreFrom = restoreFrom;
        for (DefectKind kind : DefectKind.values()) {
            if (!kind.has(DefectKind.Trait.AFTER_LIFECYCLE)) {
                stages.add(harness(kind.operator(profile)));
            }
        }
        emitters.add(harness(new DefectLifecycle(profile)));
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stallStage = null;
        for (DefectKind kind : DefectKind.values()) {
            if (kind.has(DefectKind.Trait.AFTER_LIFECYCLE)) {
                KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage =
                        harness(kind.operator(profile));
                emitters.add(stage);
                if (kind == DefectKind.STREAM_STALL) {
                    stallStage = stage;
                }
            }
        }
        stages.addAll(emitters);
        stall = stallStage;
    }

    /** The next stage's harness, opened, restored first from its snapshot if the chain is restored. */
    private KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness(
            KeyedProcessFunction<String, MediaEvent, MediaEvent> function) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> harness;
        if (restoreFrom == null) {
            harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                    function, new DetectorTopology.StreamIdKey(), Types.STRING);
        } else {
            // forKeyedProcessFunction initialises the harness empty: a restored one is built bare.
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(function), new DetectorTopology.StreamIdKey(), Types.STRING);
            // Stages are made in the chain's order, so the count made so far picks the stage's snapshot.
            harness.initializeState(restoreFrom.get(harnessesMade++));
        }
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

    /**
     * The keyed state entries a job restored from a checkpoint taken now would hold: every stage is snapshotted
     * and restored into a fresh chain of the same profile, whose entries are counted.
     */
    public int keyedStateEntriesInACheckpoint(long checkpointId) throws Exception {
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage : stages) {
            snapshots.add(stage.snapshot(checkpointId, stages.get(0).getProcessingTime()));
        }
        try (DetectorChain restored = new DetectorChain(profile, snapshots)) {
            return restored.keyedStateEntries();
        }
    }

    /** Every DefectEvent the lifecycle emitted so far, in order, then the stall detector's. */
    public List<DefectEvent> defects() {
        List<DefectEvent> defects = new ArrayList<>();
        for (var stage : emitters) {
            var queue = stage.getSideOutput(DefectEvents.DEFECTS);
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
        return stages.stream()
                .mapToInt(KeyedOneInputStreamOperatorTestHarness::numKeyedStateEntries)
                .sum();
    }

    public int timers() {
        return stages.stream()
                .mapToInt(s -> s.numProcessingTimeTimers() + s.numEventTimeTimers())
                .sum();
    }

    /**
     * Runs audio blocks of {@code sound} every 100 ms for {@code durationMs} through the default chain, then
     * ENDED, and returns the defects; asserts that no keyed state or timer is left behind.
     */
    public static List<DefectEvent> audioOnly(long durationMs, LongFunction<Program.Levels> sound) throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            for (long seq = 0; seq * 100 < durationMs; seq++) {
                Program.Levels l = sound.apply(seq * 100);
                chain.process(Features.block("s", seq, l.rmsDbfs(), l.peakDbfs(), l.nearFullScaleSamples()));
            }
            chain.process(Features.ended("s", durationMs * 1000));
            Assertions.assertThat(chain.keyedStateEntries())
                    .as("state after ENDED")
                    .isZero();
            Assertions.assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    @Override
    public void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, MediaEvent, MediaEvent> stage : stages) stage.close();
    }
}
