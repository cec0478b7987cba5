package io.avmon.job.kafka;

import io.avmon.job.core.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a dead letter byte for byte (key and value as received) with its cause in the {@code avmon.error}
 * header (one line) and {@code avmon.cause} (its label), and where it came from in {@code avmon.source-topic}, {@code avmon.source-partition} and
 * {@code avmon.source-offset}.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String ERROR_HEADER = "avmon.error";
    /** The cause's label ({@code not_avro}, ...), for filtering without parsing the error text. */
    public static final String CAUSE_HEADER = "avmon.cause";

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp, letter.key, letter.value);
        record.headers().add(ERROR_HEADER, utf8(letter.error == null ? "unknown" : letter.error));
        if (letter.cause != null) {
            record.headers().add(CAUSE_HEADER, utf8(letter.cause.label()));
        }
        record.headers().add("avmon.source-topic", utf8(String.valueOf(letter.topic)));
        record.headers().add("avmon.source-partition", utf8(Integer.toString(letter.partition)));
        record.headers().add("avmon.source-offset", utf8(Long.toString(letter.offset)));
        return record;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
