package io.avmon.job.kafka;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamHealth;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an avmon record to one topic: key = streamId (UTF-8), value = Avro single-object encoding. */
public class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public AvroRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, null, timestamp, streamId(record).getBytes(StandardCharsets.UTF_8), RecordCodec.encode(record));
    }

    private static String streamId(SpecificRecord record) {
        if (record instanceof DefectEvent d) return d.getStreamId();
        if (record instanceof StreamHealth h) return h.getStreamId();
        Object field = record.get(record.getSchema().getField("streamId").pos());
        return String.valueOf(field);
    }
}
