package io.avmon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.profile.ProfileBook;
import io.avmon.job.profile.ProfileYaml;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.StreamHealth;
import io.avmon.schema.Topics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DetectorTopology.build on a MiniCluster, with Kryo disabled and object reuse on, as in production, and unchained. */
class DetectorTopologyTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long DURATION_MS = 12_000;

    /** Stream "a": 5 s of black from 3 s; stream "b": 4 s of silence from 2 s; both end with ENDED. One dead letter. */
    private static List<MediaEvent> twoInterleavedStreams() {
        Random random = new Random(5);
        List<SpecificRecord> records = new ArrayList<>();
        records.addAll(Program.of(
                "a",
                DURATION_MS,
                t -> t >= 3000 && t < 8000 ? Features.black(random) : Features.moving(random),
                t -> Program.PROGRAMME_AUDIO));
        records.add(Features.ended("a", (DURATION_MS - 40) * 1000));
        records.addAll(Program.of(
                "b",
                DURATION_MS,
                t -> Features.moving(random),
                t -> t >= 2000 && t < 6000 ? Program.SILENCE : Program.PROGRAMME_AUDIO));
        records.add(Features.ended("b", (DURATION_MS - 40) * 1000));
        records.sort(Comparator.comparingLong(Program::ingestTime));
        List<MediaEvent> events = new ArrayList<>();
        for (SpecificRecord r : records) events.add(MediaEvent.of(r));
        events.add(
                5,
                MediaEvent.ofDeadLetter(
                        new DeadLetter(
                                Topics.FEATURES,
                                0,
                                17,
                                "a".getBytes(),
                                new byte[] {1, 2, 3},
                                DeadLetterCause.NOT_AVRO,
                                "not Avro single-object encoding"),
                        Features.EPOCH_MS + 100));
        return events;
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DetectorTopology.configure(env);
        env.setParallelism(2);
        return env;
    }

    private static DataStream<MediaEvent> source(StreamExecutionEnvironment env, List<MediaEvent> events) {
        return env.fromData(events, TypeInformation.of(MediaEvent.class))
                .uid("test-source")
                .name("Test source")
                .assignTimestampsAndWatermarks(MediaEventWatermarks.strategy())
                .uid("test-watermarks")
                .name("Watermarks");
    }

    @Test
    void reportsDefectsAndHealthOfTwoInterleavedStreams() throws Exception {
        StreamExecutionEnvironment env = environment();
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfiguration().get(PipelineOptions.GENERIC_TYPES)).isFalse();

        DetectorTopology.TopologyOutputs outputs =
                new DetectorTopology(DefectKind.defaultProfile()).build(source(env, twoInterleavedStreams()));
        CloseableIterator<DefectEvent> defectsIt = outputs.defects().collectAsync();
        CloseableIterator<StreamHealth> healthIt = outputs.health().collectAsync();
        CloseableIterator<DeadLetter> deadIt = outputs.deadLetters().collectAsync();
        env.execute("topology test");

        List<DefectEvent> defects = new ArrayList<>();
        defectsIt.forEachRemaining(defects::add);
        List<StreamHealth> health = new ArrayList<>();
        healthIt.forEachRemaining(health::add);
        List<DeadLetter> dead = new ArrayList<>();
        deadIt.forEachRemaining(dead::add);

        List<DefectEvent> a =
                defects.stream().filter(d -> d.getStreamId().equals("a")).toList();
        assertThat(a).extracting(DefectEvent::getDefectType).containsOnly(DefectType.BLACK_FRAMES);
        assertThat(a).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(a.get(1).getStartMediaTimeMs()).isEqualTo(3000);
        assertThat(a.get(1).getEndMediaTimeMs()).isEqualTo(8000);
        assertThat(a.get(0).getEventId()).isEqualTo(a.get(1).getEventId());

        List<DefectEvent> b =
                defects.stream().filter(d -> d.getStreamId().equals("b")).toList();
        assertThat(b).extracting(DefectEvent::getDefectType).containsOnly(DefectType.AUDIO_SILENCE);
        assertThat(b).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        assertThat(b.get(1).getStartMediaTimeMs()).isEqualTo(2000);
        assertThat(b.get(1).getEndMediaTimeMs()).isEqualTo(6000);

        assertThat(health).extracting(StreamHealth::getStreamId).contains("a", "b");
        StreamHealth firstA = health.stream()
                .filter(h -> h.getStreamId().equals("a"))
                .min(Comparator.comparingLong(StreamHealth::getWindowStartMs))
                .orElseThrow();
        assertThat(firstA.getWindowEndMs() - firstA.getWindowStartMs()).isEqualTo(10_000);
        assertThat(firstA.getVideoFrames()).isEqualTo(250);
        assertThat(firstA.getFramesPerSecond()).isCloseTo(25.0, within(0.01));
        // Windows are on ingest time: the block at media 9.9 s is completed (ingested) after 10 s.
        assertThat(firstA.getAudioBlocks()).isEqualTo(99);
        assertThat(firstA.getBlackSeconds()).isCloseTo(5.0, within(0.05));
        // Programme audio: two channels at -25 dBFS RMS, each a K-weighted mean square of 10^-2.5.
        assertThat(firstA.getShortTermLoudnessLufs())
                .isCloseTo(-0.691 + 10 * Math.log10(2 * Math.pow(10, -2.5)), within(0.01));
        StreamHealth firstB = health.stream()
                .filter(h -> h.getStreamId().equals("b"))
                .min(Comparator.comparingLong(StreamHealth::getWindowStartMs))
                .orElseThrow();
        assertThat(firstB.getSilentSeconds()).isCloseTo(4.0, within(0.001));
        assertThat(firstB.getBlackSeconds()).isZero();

        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.offset).isEqualTo(17);
            assertThat(d.error).contains("single-object");
        });
    }

    @Test
    void detectorsLifecycleAndHealthShareOneChainedVertexAndEveryOperatorHasAUid() {
        StreamExecutionEnvironment env = environment();
        DetectorTopology.TopologyOutputs outputs =
                new DetectorTopology(DefectKind.defaultProfile()).build(source(env, twoInterleavedStreams()));
        outputs.defects().sinkTo(new DiscardingSink<>()).uid("defects-sink").name("Defects");
        outputs.health().sinkTo(new DiscardingSink<>()).uid("health-sink").name("Health");
        outputs.deadLetters()
                .sinkTo(new DiscardingSink<>())
                .uid("dead-letter-sink")
                .name("Dead letters");

        StreamGraph streamGraph = env.getStreamGraph();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : streamGraph.getStreamNodes()) {
            assertThat(node.getTransformationUID())
                    .as("uid of %s", node.getOperatorName())
                    .isNotBlank();
            uids.add(node.getTransformationUID());
        }
        // Savepoints map state by uid: these are the uids releases have written, whatever builds the graph.
        assertThat(uids)
                .contains(
                        "attach-profiles",
                        "black-frame-detector",
                        "color-bars-detector",
                        "frozen-frame-detector",
                        "block-corruption-detector",
                        "frame-drop-detector",
                        "audio-silence-detector",
                        "audio-clipping-detector",
                        "audio-channel-loss-detector",
                        "loudness-detector",
                        "av-sync-detector",
                        "defect-lifecycle",
                        "stream-stall-detector");
        JobGraph jobGraph = streamGraph.getJobGraph();
        List<String> vertices = new ArrayList<>();
        for (JobVertex v : jobGraph.getVertices()) vertices.add(v.getName());
        assertThat(vertices)
                .filteredOn(name -> name.contains("BlackFrameDetector"))
                .singleElement()
                .satisfies(name -> assertThat(name)
                        .contains(
                                "ColorBarsDetector",
                                "FrozenFrameDetector",
                                "BlockCorruptionDetector",
                                "FrameDropDetector",
                                "AudioSilenceDetector",
                                "AudioClippingDetector",
                                "AudioChannelLossDetector",
                                "LoudnessDetector",
                                "AvSyncDetector",
                                "DefectLifecycle",
                                "StreamStallDetector",
                                "StreamHealth"));
        JobVertex keyed = jobGraph.getVerticesSortedTopologicallyFromSources().stream()
                .filter(v -> v.getName().contains("BlackFrameDetector"))
                .findFirst()
                .orElseThrow();
        assertThat(keyed.getName()).as("the profile head leads the chain").startsWith("Attach profiles");
        assertThat(keyed.getInputs())
                .as("records come through the keyBy, profiles through the broadcast")
                .extracting(edge -> edge.getShipStrategyName().toUpperCase(Locale.ROOT))
                .containsExactlyInAnyOrder("HASH", "BROADCAST");
    }

    @Test
    void perStreamProfilesHoldWithChainingAndObjectReuseOff() throws Exception {
        // Every operator its own task, and every hand-over a copy: the profile must travel with each record.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.OBJECT_REUSE, false);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(conf);
        env.disableOperatorChaining();
        env.setParallelism(2);
        // Stream "strict" tolerates no texture in black (the test's black has 2 levels of noise); "plain" has the
        // defaults.
        ProfileBook book = ProfileYaml.parse("""
                streams:
                  strict:
                    black-frames: { max-thumbnail-spread: 0 }
                """);
        Random random = new Random(7);
        List<SpecificRecord> records = new ArrayList<>();
        for (String stream : List.of("strict", "plain")) {
            records.addAll(Program.of(
                    stream,
                    DURATION_MS,
                    t -> t >= 3000 && t < 8000 ? Features.black(random) : Features.moving(random),
                    t -> Program.PROGRAMME_AUDIO));
            records.add(Features.ended(stream, (DURATION_MS - 40) * 1000));
        }
        records.sort(Comparator.comparingLong(Program::ingestTime));
        List<MediaEvent> events = new ArrayList<>();
        for (SpecificRecord r : records) events.add(MediaEvent.of(r));

        DetectorTopology.TopologyOutputs outputs = new DetectorTopology(book).build(source(env, events));
        CloseableIterator<DefectEvent> defectsIt = outputs.defects().collectAsync();
        JobGraph jobGraph = env.getStreamGraph(false).getJobGraph();
        assertThat(jobGraph.getVertices())
                .as("unchained")
                .filteredOn(v -> v.getName().contains("Detector"))
                .hasSizeGreaterThan(10);
        env.execute("unchained topology test");
        List<DefectEvent> defects = new ArrayList<>();
        defectsIt.forEachRemaining(defects::add);

        assertThat(defects)
                .filteredOn(d -> d.getStreamId().equals("plain"))
                .extracting(DefectEvent::getDefectType, DefectEvent::getState)
                .containsExactly(
                        tuple(DefectType.BLACK_FRAMES, DefectState.OPENED),
                        tuple(DefectType.BLACK_FRAMES, DefectState.CLOSED));
        // Not black by its thresholds, the still stretch is a freeze there: the black detector judged it by the
        // stream's profile, and the frozen detector saw that verdict.
        assertThat(defects)
                .filteredOn(d -> d.getStreamId().equals("strict"))
                .extracting(DefectEvent::getDefectType)
                .isNotEmpty()
                .doesNotContain(DefectType.BLACK_FRAMES)
                .containsOnly(DefectType.FROZEN_FRAMES);
    }
}
