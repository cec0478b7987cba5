package io.avmon.cli.demo;

import io.avmon.cli.analyze.DefectReport;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamHealth;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the job's output topics the way any consumer should (read_committed, so only checkpointed output is
 * seen) and prints each record on one line.
 */
final class DefectPrinter implements Runnable {

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final KafkaConsumer<String, byte[]> consumer;
    private final String defectTopic;
    private final String healthTopic;
    private final PrintWriter out;
    private final BinaryMessageDecoder<DefectEvent> defects = RecordCodec.decoder(DefectEvent.class, null);
    private final BinaryMessageDecoder<StreamHealth> health = RecordCodec.decoder(StreamHealth.class, null);

    DefectPrinter(
            String bootstrapServers, String defectTopic, String healthTopic, boolean printHealth, PrintWriter out) {
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG, "avmon-demo-printer",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        this.defectTopic = defectTopic;
        this.healthTopic = healthTopic;
        this.out = out;
        consumer.subscribe(printHealth ? List.of(defectTopic, healthTopic) : List.of(defectTopic));
    }

    @Override
    public void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String line = record.topic().equals(defectTopic)
                            ? defectLine(RecordCodec.decode(defects, record.value()))
                            : record.topic().equals(healthTopic)
                                    ? healthLine(RecordCodec.decode(health, record.value()))
                                    : null;
                    if (line != null) {
                        out.println(line);
                        out.flush();
                    }
                }
            }
        } catch (WakeupException stopping) {
            // stop() was called.
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop() {
        consumer.wakeup();
    }

    static String defectLine(DefectEvent d) {
        String when = CLOCK.format(Instant.ofEpochMilli(System.currentTimeMillis()));
        String span = d.getState() == DefectState.OPENED
                ? "since " + DefectReport.clock(d.getStartMediaTimeMs())
                : DefectReport.clock(d.getStartMediaTimeMs()) + " - " + DefectReport.clock(d.getEndMediaTimeMs())
                        + String.format(
                                Locale.ROOT, " (%.1f s)", (d.getEndMediaTimeMs() - d.getStartMediaTimeMs()) / 1000.0);
        String value = d.getValue() == null ? "" : String.format(Locale.ROOT, "  %.1f %s", d.getValue(), d.getUnit());
        String channel = d.getChannel() == null ? "" : "  channel " + d.getChannel();
        return String.format(
                Locale.ROOT,
                "%s  %-6s %-19s %-8s %s  %s%s%s",
                when,
                d.getState(),
                d.getDefectType(),
                d.getSeverity(),
                d.getStreamId(),
                span,
                value,
                channel);
    }

    static String healthLine(StreamHealth h) {
        return String.format(
                Locale.ROOT,
                "%s  HEALTH %s  %d frames (%.1f fps)  black %.1f s  frozen %.1f s  silent %.1f s  "
                        + "loudness %s  open defects %d",
                CLOCK.format(Instant.ofEpochMilli(h.getWindowEndMs())),
                h.getStreamId(),
                h.getVideoFrames(),
                h.getFramesPerSecond(),
                h.getBlackSeconds(),
                h.getFrozenSeconds(),
                h.getSilentSeconds(),
                h.getShortTermLoudnessLufs() == null
                        ? "-"
                        : String.format(Locale.ROOT, "%.1f LUFS", h.getShortTermLoudnessLufs()),
                h.getOpenDefects());
    }
}
