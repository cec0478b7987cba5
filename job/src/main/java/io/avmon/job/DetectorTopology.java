package io.avmon.job;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.job.core.DefectEvents;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.defect.DefectLifecycle;
import io.avmon.job.health.HealthAccumulator;
import io.avmon.job.health.StreamHealthWindow;
import io.avmon.job.profile.ProfileAttacher;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileUpdate;
import io.avmon.job.profile.ProfileUpdateValidator;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.StreamHealth;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Objects;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The detection graph, without sources or sinks, so the same graph runs from Kafka ({@link AvmonJob}), straight
 * from the converter (the CLI's analyze) and from test data:
 *
 * <pre>
 * profile updates ─ Check profiles ─┬─ broadcast ─────────┐
 *                                   └─ (rejected) → deadLetters
 * input ─ Route dead letters ─┬─ keyBy(streamId) ─ Attach profiles ─ one detector per {@link DefectKind} row, in its
 *                             │     order (BlackFrameDetector ─ ColorBarsDetector ─ ... ─ AvSyncDetector) ─ DefectLifecycle
 *                             │     ─ the rows placed after it (StreamStallDetector)
 *                             │     ─┬─ StreamHealth (10 s tumbling, ingest time) → health
 *                             │      └─ (side outputs of DefectLifecycle and StreamStallDetector) → defects
 *                             └─ (side output) → deadLetters
 * </pre>
 * There is one shuffle, the keyBy (and the broadcast of profile documents, which are rare); every keyed operator
 * after it is re-interpreted as keyed on the same key ({@link DataStreamUtils#reinterpretAsKeyedStream}), so they
 * chain behind the two-input head, {@link ProfileAttacher}, into one task with no network hop. The head gives
 * every record its stream's profile, which the detectors and the lifecycle read, so a profile sent at run time
 * takes effect without a restart. The profile travels in the record ({@link MediaEvent#profile}), so this holds with
 * chaining or object reuse switched off too; enable {@code pipeline.object-reuse} ({@link #configure}) so the chain
 * hands one instance from detector to detector instead of deep-copying it per operator.
 *
 * <p>The input must carry event timestamps and watermarks from {@link MediaEventWatermarks#strategy()} (given
 * to {@code env.fromSource} or {@code assignTimestampsAndWatermarks}).
 */
public class DetectorTopology {

    /** The graph's three results. */
    public record TopologyOutputs(
            DataStream<DefectEvent> defects, DataStream<StreamHealth> health, DataStream<DeadLetter> deadLetters) {}

    public static final Duration HEALTH_WINDOW = Duration.ofSeconds(10);

    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final ProfileBook book;

    /** One profile for every stream. */
    public DetectorTopology(DetectionProfile profile) {
        this(ProfileBook.of(profile));
    }

    /** Per-stream profiles from {@code book} until a profile update replaces it. */
    public DetectorTopology(ProfileBook book) {
        this.book = Objects.requireNonNull(book, "book");
    }

    /** The pipeline settings the graph is designed for: object reuse on, Kryo off. */
    public static Configuration pipelineConfiguration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    /** Applies {@link #pipelineConfiguration()} to an environment. */
    public static void configure(StreamExecutionEnvironment env) {
        env.configure(pipelineConfiguration());
    }

    /** The graph with the start profiles only (offline analysis, tests). */
    public TopologyOutputs build(DataStream<MediaEvent> input) {
        // Flink has no empty source (fromData fails on an empty list): one number, mapped to nothing.
        DataStream<ProfileUpdate> none = input.getExecutionEnvironment()
                .fromSequence(0, 0)
                .uid("no-profile-updates-source")
                .name("No profile updates")
                .flatMap(new NoProfileUpdates(), TypeInformation.of(ProfileUpdate.class))
                .uid("no-profile-updates")
                .name("No profile updates");
        return build(input, none);
    }

    /** The graph, taking whole profile documents from {@code profileUpdates} (the control topic) at run time. */
    public TopologyOutputs build(DataStream<MediaEvent> input, DataStream<ProfileUpdate> profileUpdates) {
        SingleOutputStreamOperator<String> checkedProfiles = profileUpdates
                .process(new ProfileUpdateValidator(), Types.STRING)
                .uid("check-profiles")
                .name("Check profiles")
                .setParallelism(1);
        BroadcastStream<String> profiles = checkedProfiles.broadcast(ProfileAttacher.PROFILE_STATE);

        SingleOutputStreamOperator<MediaEvent> media = input.process(
                        new DeadLetterRouter(), TypeInformation.of(MediaEvent.class))
                .uid("route-dead-letters")
                .name("Route dead letters")
                // Same parallelism as the input, so the router chains to the source: a rebalance here would
                // reorder each stream's records before the keyBy, and the detectors rely on per-stream order.
                .setParallelism(input.getParallelism());

        KeySelector<MediaEvent, String> byStream = new StreamIdKey();
        KeyedStream<MediaEvent, String> keyed = media.keyBy(byStream, Types.STRING);

        SingleOutputStreamOperator<MediaEvent> attached = keyed.connect(profiles)
                .process(new ProfileAttacher(book), TypeInformation.of(MediaEvent.class))
                .uid("attach-profiles")
                .name("Attach profiles");
        DetectionProfile profile = book.defaults();
        // One operator per row, in the table's chain order (its javadoc says why the order matters).
        SingleOutputStreamOperator<MediaEvent> detected = attached;
        for (DefectKind kind : DefectKind.values()) {
            if (!kind.has(DefectKind.Trait.AFTER_LIFECYCLE)) {
                detected = operator(detected, byStream, kind.operator(profile), kind.uid(), kind.operatorName());
            }
        }
        SingleOutputStreamOperator<MediaEvent> lifecycle =
                operator(detected, byStream, new DefectLifecycle(profile), "defect-lifecycle", "DefectLifecycle");
        DataStream<DefectEvent> defects = lifecycle.getSideOutput(DefectEvents.DEFECTS);
        SingleOutputStreamOperator<MediaEvent> judged = lifecycle;
        for (DefectKind kind : DefectKind.values()) {
            if (kind.has(DefectKind.Trait.AFTER_LIFECYCLE)) {
                judged = operator(judged, byStream, kind.operator(profile), kind.uid(), kind.operatorName());
                defects = defects.union(judged.getSideOutput(DefectEvents.DEFECTS));
            }
        }

        DataStream<StreamHealth> health = reKey(judged, byStream)
                .window(TumblingEventTimeWindows.of(HEALTH_WINDOW))
                .aggregate(
                        new StreamHealthWindow.Aggregate(),
                        new StreamHealthWindow.Emit(),
                        TypeInformation.of(HealthAccumulator.class),
                        TypeInformation.of(HealthAccumulator.class),
                        TypeInformation.of(StreamHealth.class))
                .uid("stream-health")
                .name("StreamHealth");

        DataStream<DeadLetter> deadLetters =
                media.getSideOutput(DEAD_LETTERS).union(checkedProfiles.getSideOutput(ProfileUpdateValidator.REJECTED));
        return new TopologyOutputs(defects, health, deadLetters);
    }

    private static SingleOutputStreamOperator<MediaEvent> operator(
            DataStream<MediaEvent> input,
            KeySelector<MediaEvent, String> byStream,
            KeyedProcessFunction<String, MediaEvent, MediaEvent> function,
            String uid,
            String name) {
        return reKey(input, byStream)
                .process(function, TypeInformation.of(MediaEvent.class))
                .uid(uid)
                .name(name);
    }

    private static KeyedStream<MediaEvent, String> reKey(
            DataStream<MediaEvent> stream, KeySelector<MediaEvent, String> key) {
        return DataStreamUtils.reinterpretAsKeyedStream(stream, key, Types.STRING);
    }

    private static final class NoProfileUpdates implements FlatMapFunction<Long, ProfileUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Long ignored, Collector<ProfileUpdate> out) {}
    }

    /** The one key of the graph. */
    public static final class StreamIdKey implements KeySelector<MediaEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(MediaEvent event) {
            return event.streamId;
        }
    }

    /**
     * Sends dead letters (undecodable or invalid records) to the side output before the keyBy, so they never reach
     * a detector, and counts them by cause: a {@code deadLetters} counter under a {@code cause} group per feature
     * record {@link DeadLetterCause}, all registered at start so each series exists (at 0) before its first dead
     * letter.
     */
    static final class DeadLetterRouter extends ProcessFunction<MediaEvent, MediaEvent> {
        private static final long serialVersionUID = 1L;

        private transient EnumMap<DeadLetterCause, Counter> deadLetters;

        @Override
        public void open(OpenContext openContext) {
            deadLetters = new EnumMap<>(DeadLetterCause.class);
            for (DeadLetterCause cause : DeadLetterCause.values()) {
                if (cause == DeadLetterCause.REJECTED_PROFILE) {
                    continue; // never passes here: "Check profiles" counts them (profileUpdatesRejected)
                }
                deadLetters.put(
                        cause,
                        getRuntimeContext()
                                .getMetricGroup()
                                .addGroup("cause", cause.label())
                                .counter("deadLetters"));
            }
        }

        @Override
        public void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) {
            if (event.deadLetter != null) {
                DeadLetterCause cause =
                        event.deadLetter.cause == null ? DeadLetterCause.NOT_AVRO : event.deadLetter.cause;
                if (deadLetters != null) {
                    deadLetters.get(cause).inc();
                }
                ctx.output(DEAD_LETTERS, event.deadLetter);
            } else if (event.streamId != null) {
                out.collect(event);
            }
        }
    }
}
