package io.avmon.job.kafka;

import io.avmon.job.profile.ProfileUpdate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Passes control-topic records on as sent; they are read and checked after the source, where a failure is a dead letter. */
public class ProfileUpdateDeserializer implements KafkaRecordDeserializationSchema<ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ProfileUpdate> out) {
        out.collect(
                new ProfileUpdate(record.topic(), record.partition(), record.offset(), record.key(), record.value()));
    }

    @Override
    public TypeInformation<ProfileUpdate> getProducedType() {
        return TypeInformation.of(ProfileUpdate.class);
    }
}
