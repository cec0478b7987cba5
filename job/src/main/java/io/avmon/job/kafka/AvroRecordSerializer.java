package io.avmon.job.kafka;

import io.avmon.schema.AvroJson;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamHealth;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an avmon record to one topic: key = streamId (UTF-8), value = Avro single-object encoding, or for a JSON
 * mirror topic the record as one plain JSON object ({@link AvroJson}: the schema's field names, in schema order).
 */
public class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** How a value is written. */
    public enum Encoding {
        /** {@link RecordCodec}: what avmon's own readers decode. */
        SINGLE_OBJECT,
        /** UTF-8 JSON, for tools that know no Avro (Flink SQL's and ksqlDB's JSON formats, Kafka Connect). */
        JSON
    }

    private final String topic;
    private final Encoding encoding;

    public AvroRecordSerializer(String topic) {
        this(topic, Encoding.SINGLE_OBJECT);
    }

    public AvroRecordSerializer(String topic, Encoding encoding) {
        this.topic = topic;
        this.encoding = encoding;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        byte[] value = encoding == Encoding.JSON
                ? AvroJson.toJson(record).getBytes(StandardCharsets.UTF_8)
                : RecordCodec.encode(record);
        return new ProducerRecord<>(topic, null, timestamp, streamId(record).getBytes(StandardCharsets.UTF_8), value);
    }

    private static String streamId(SpecificRecord record) {
        if (record instanceof DefectEvent d) return d.getStreamId();
        if (record instanceof StreamHealth h) return h.getStreamId();
        Object field = record.get(record.getSchema().getField("streamId").pos());
        return String.valueOf(field);
    }
}
