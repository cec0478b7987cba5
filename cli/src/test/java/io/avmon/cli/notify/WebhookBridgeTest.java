package io.avmon.cli.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.avmon.cli.ConverterImage;
import io.avmon.cli.NotifyMain;
import io.avmon.cli.kafka.EmbeddedKafka;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.Severity;
import io.avmon.schema.Still;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real broker (KRaft, in-process) and a real HTTP receiver on loopback. Events are written as
 * the job writes them, in Kafka transactions, on one stream (one partition), so a later event's arrival shows that
 * every earlier one has been dealt with.
 */
class WebhookBridgeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;

    @TempDir
    Path tempDir;

    private Receiver receiver;

    @BeforeAll
    static void startBroker() throws IOException {
        kafka = EmbeddedKafka.startOnFreePort();
        kafka.createTopics(List.of("defects-restart", "defects-outage", "defects-image"), 1);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void postsEachEventAndStateExactlyOnceAcrossRestartsReplaysAndAbortedTransactions() throws Exception {
        String topic = "defects-restart";
        Path state = tempDir.resolve("notify.state");
        write(
                topic,
                true,
                event("a", DefectState.OPENED),
                event("a", DefectState.CLOSED),
                event("b", DefectState.OPENED));
        write(topic, false, event("never", DefectState.OPENED));

        runUntilAccepted(settings(topic, "group-1", state), "b OPENED");

        // While the bridge is down: new events, and "a OPENED" again, as a job restored from an older savepoint
        // writes it (eventIds are name-based). "e" comes last: once it arrives, everything before it was handled.
        write(
                topic,
                true,
                event("b", DefectState.CLOSED),
                event("a", DefectState.OPENED),
                event("e", DefectState.OPENED));
        runUntilAccepted(settings(topic, "group-1", state), "e OPENED");

        // The group's offsets gone (expired, or a new group): the whole topic replays; only the state file remembers.
        kafka.admin().deleteConsumerGroups(List.of("group-1")).all().get();
        write(topic, true, event("f", DefectState.OPENED));
        runUntilAccepted(settings(topic, "group-1", state), "f OPENED");

        assertThat(receiver.accepted())
                .containsExactly("a OPENED", "a CLOSED", "b OPENED", "b CLOSED", "e OPENED", "f OPENED");
        assertThat(receiver.attempts()).isEqualTo(6);
    }

    @Test
    void notifyMainPostsEventsOnTheClasspathOfTheImagesNotifyStage() throws Exception {
        String topic = "defects-image";
        write(topic, true, event("h", DefectState.OPENED));
        Process notify = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-Dlog4j2.configurationFile=log4j2-avmon.xml",
                        "-cp",
                        ConverterImage.classpath(),
                        NotifyMain.class.getName(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--starting-offsets",
                        "earliest",
                        "--state-file",
                        tempDir.resolve("notify.state").toString(),
                        "--webhook",
                        receiver.url())
                .redirectErrorStream(true)
                .redirectOutput(tempDir.resolve("notify.log").toFile())
                .start();
        try {
            receiver.awaitAccepted(accepted -> accepted.contains("h OPENED"));
        } finally {
            notify.destroy();
            notify.waitFor();
        }
        assertThat(receiver.accepted()).containsExactly("h OPENED");
    }

    @Test
    void retriesThroughAnOutageLogsItOnceAndPostsEachEventOnceWithItsDocumentedShape() throws Exception {
        String topic = "defects-outage";
        receiver.failNext(503, 503, 503);
        write(topic, true, event("g", DefectState.OPENED), event("g", DefectState.CLOSED));
        StringWriter log = new StringWriter();

        runUntilAccepted(settings(topic, "group-2", tempDir.resolve("notify.state")), log, "g CLOSED");

        assertThat(receiver.accepted()).containsExactly("g OPENED", "g CLOSED");
        assertThat(receiver.attempts()).isEqualTo(5);
        List<String> lines = log.toString().lines().toList();
        assertThat(lines)
                .filteredOn(line -> line.contains("failing (HTTP 503)"))
                .hasSize(1);
        assertThat(lines)
                .filteredOn(line -> line.contains("answers again after 3 failed"))
                .hasSize(1);
        assertThat(log.toString()).doesNotContain("/hook?token");

        JsonNode opened = receiver.bodies().get(0);
        assertThat(opened.get("eventId").asText()).isEqualTo("g");
        assertThat(opened.get("state").asText()).isEqualTo("OPENED");
        assertThat(opened.get("streamId").asText()).isEqualTo("channel-1");
        assertThat(opened.get("defectType").asText()).isEqualTo("BLACK_FRAMES");
        assertThat(opened.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(opened.get("startMediaTimeMs").asLong()).isEqualTo(12_000);
        assertThat(opened.has("endMediaTimeMs")).isTrue();
        assertThat(opened.get("endMediaTimeMs").isNull()).isTrue();
        assertThat(opened.get("still").asText()).as("the picture when raised").startsWith("data:image/png;base64,");
        JsonNode closed = receiver.bodies().get(1);
        assertThat(closed.get("state").asText()).isEqualTo("CLOSED");
        assertThat(closed.get("still").isNull()).isTrue();
        assertThat(receiver.idempotencyKeys()).contains("g-OPENED", "g-CLOSED");
    }

    private void runUntilAccepted(WebhookBridge.Settings settings, String last) throws InterruptedException {
        runUntilAccepted(settings, new StringWriter(), last);
    }

    /** Runs a bridge until the receiver has acknowledged {@code last} ("eventId STATE"), then stops it. */
    private void runUntilAccepted(WebhookBridge.Settings settings, StringWriter log, String last)
            throws InterruptedException {
        WebhookBridge bridge = new WebhookBridge(settings, new PrintWriter(log, true));
        Thread thread = new Thread(bridge::run, "webhook-bridge");
        thread.start();
        try {
            receiver.awaitAccepted(keys -> keys.contains(last));
        } finally {
            bridge.stop();
            thread.join();
        }
    }

    private WebhookBridge.Settings settings(String topic, String group, Path state) {
        return new WebhookBridge.Settings(
                kafka.bootstrapServers(),
                Map.of(),
                topic,
                group,
                true,
                URI.create(receiver.url()),
                state,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(10));
    }

    private static DefectEvent event(String id, DefectState state) {
        return DefectEvent.newBuilder()
                .setEventId(id)
                .setStreamId("channel-1")
                .setDefectType(DefectType.BLACK_FRAMES)
                .setState(state)
                .setStartMediaTimeMs(12_000)
                .setEndMediaTimeMs(state == DefectState.CLOSED ? 15_000L : null)
                .setStartWallClockMs(1_700_000_000_000L)
                .setEndWallClockMs(state == DefectState.CLOSED ? 1_700_000_003_000L : null)
                .setSeverity(Severity.CRITICAL)
                .setUnit("share")
                .setDetector("BlackFrameDetector")
                .setStill(state == DefectState.OPENED ? blackStill() : null)
                .build();
    }

    /** A limited-range black 32x18 thumbnail of a 1080-line picture, as the job attaches to OPENED. */
    private static Still blackStill() {
        byte[] chroma = new byte[16 * 9];
        Arrays.fill(chroma, (byte) 128);
        byte[] luma = new byte[32 * 18];
        Arrays.fill(luma, (byte) 16);
        return Still.newBuilder()
                .setMediaTimeMs(15_000)
                .setWidth(32)
                .setHeight(18)
                .setLuma(ByteBuffer.wrap(luma))
                .setCb(ByteBuffer.wrap(chroma))
                .setCr(ByteBuffer.wrap(chroma.clone()))
                .setFullRange(false)
                .setSourceWidth(1920)
                .setSourceHeight(1080)
                .build();
    }

    /** Writes the events in one transaction, committed or aborted, as the job's exactly-once sink does. */
    private static void write(String topic, boolean commit, DefectEvent... events) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "test-writer-" + topic);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (DefectEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.getStreamId().toString(), RecordCodec.encode(event)));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    /** An HTTP receiver that answers planned failures first, then 200, and keeps what it acknowledged. */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Deque<Integer> planned = new ArrayDeque<>();
        private final List<String> accepted = new ArrayList<>();
        private final List<JsonNode> bodies = new ArrayList<>();
        private final List<String> idempotencyKeys = new ArrayList<>();
        private int attempts;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                int status;
                synchronized (this) {
                    attempts++;
                    status = planned.isEmpty() ? 200 : planned.poll();
                    if (status == 200) {
                        accepted.add(body.get("eventId").asText() + " "
                                + body.get("state").asText());
                        bodies.add(body);
                        idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
                        notifyAll();
                    }
                }
                byte[] answer = (status == 200 ? "ok" : "busy").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret";
        }

        synchronized void failNext(Integer... statuses) {
            planned.addAll(List.of(statuses));
        }

        synchronized void awaitAccepted(Predicate<Set<String>> done) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(Set.copyOf(accepted))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the receiver did not get what was expected within " + WAIT.toSeconds()
                            + " s; accepted: " + accepted);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }

        synchronized List<String> accepted() {
            return List.copyOf(accepted);
        }

        synchronized List<JsonNode> bodies() {
            return Collections.unmodifiableList(new ArrayList<>(bodies));
        }

        synchronized List<String> idempotencyKeys() {
            return List.copyOf(idempotencyKeys);
        }

        synchronized int attempts() {
            return attempts;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
