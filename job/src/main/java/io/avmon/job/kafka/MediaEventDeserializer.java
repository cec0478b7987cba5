package io.avmon.job.kafka;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;

/**
 * Reads the three input topics into MediaEvents: the record's topic says which schema to decode with
 * ({@link RecordCodec}, Avro single-object encoding). A value that cannot be read never fails the job: it
 * becomes a MediaEvent carrying a {@link DeadLetter} with the raw bytes and the cause in one line.
 */
public class MediaEventDeserializer implements KafkaRecordDeserializationSchema<MediaEvent> {
    private static final long serialVersionUID = 1L;

    private final String videoTopic;
    private final String audioTopic;
    private final String statusTopic;
    private transient BinaryMessageDecoder<VideoFrameFeatures> videoDecoder;
    private transient BinaryMessageDecoder<AudioBlockFeatures> audioDecoder;
    private transient BinaryMessageDecoder<StreamStatus> statusDecoder;

    public MediaEventDeserializer(String videoTopic, String audioTopic, String statusTopic) {
        this.videoTopic = videoTopic;
        this.audioTopic = audioTopic;
        this.statusTopic = statusTopic;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        createDecoders();
    }

    private void createDecoders() {
        // Earlier releases' schemas too: converters and the job are upgraded one at a time.
        org.apache.avro.message.SchemaStore earlier = RecordCodec.earlierWriterSchemas();
        videoDecoder = RecordCodec.decoder(VideoFrameFeatures.class, earlier);
        audioDecoder = RecordCodec.decoder(AudioBlockFeatures.class, earlier);
        statusDecoder = RecordCodec.decoder(StreamStatus.class, earlier);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<MediaEvent> out) {
        if (videoDecoder == null) {
            createDecoders();
        }
        out.collect(toMediaEvent(record));
    }

    /** Decodes one record; never throws. */
    public MediaEvent toMediaEvent(ConsumerRecord<byte[], byte[]> record) {
        if (videoDecoder == null) {
            createDecoders();
        }
        String topic = record.topic();
        try {
            if (topic.equals(videoTopic)) {
                return MediaEvent.of(RecordCodec.decode(videoDecoder, record.value()));
            } else if (topic.equals(audioTopic)) {
                return MediaEvent.of(RecordCodec.decode(audioDecoder, record.value()));
            } else if (topic.equals(statusTopic)) {
                return MediaEvent.of(RecordCodec.decode(statusDecoder, record.value()));
            }
            return deadLetter(record, "unexpected topic " + topic);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return deadLetter(record, oneLine(message));
        }
    }

    private static MediaEvent deadLetter(ConsumerRecord<byte[], byte[]> record, String error) {
        DeadLetter letter = new DeadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(), error);
        long timestamp = record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis();
        return MediaEvent.ofDeadLetter(letter, timestamp);
    }

    static String oneLine(String message) {
        String line = message.replaceAll("[\\r\\n]+", " ").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    @Override
    public TypeInformation<MediaEvent> getProducedType() {
        return TypeInformation.of(MediaEvent.class);
    }
}
