package io.avmon.job.kafka;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the feature topic into MediaEvents. The topic carries video features, audio features and stream status
 * side by side, so each value's writer-schema fingerprint (Avro single-object encoding, {@link RecordCodec}) says
 * which record it is: this release's schemas and {@link RecordCodec#earlierWriterSchemas() earlier releases'}
 * (converters and the job are upgraded one at a time). A value that cannot be read, or that breaks a
 * {@link FeatureRecordValidator} rule, never fails the job: it becomes a MediaEvent carrying a {@link DeadLetter}
 * with the raw bytes, its {@link DeadLetterCause} and the detail in one line.
 */
public class MediaEventDeserializer implements KafkaRecordDeserializationSchema<MediaEvent> {
    private static final long serialVersionUID = 1L;

    /** The clock ingest times are judged against ({@link FeatureRecordValidator#MAX_PAST}). */
    private final SerializableClock clock;

    private transient SchemaStore earlierSchemas;
    private transient BinaryMessageDecoder<VideoFrameFeatures> videoDecoder;
    private transient BinaryMessageDecoder<AudioBlockFeatures> audioDecoder;
    private transient BinaryMessageDecoder<StreamStatus> statusDecoder;
    /** Fingerprint to the decoder of its record type, filled as fingerprints are met (a handful per release). */
    private transient Map<Long, BinaryMessageDecoder<? extends SpecificRecord>> decoders;

    /** Epoch milliseconds now; serializable because the schema travels to the task managers. */
    @FunctionalInterface
    public interface SerializableClock extends LongSupplier, Serializable {}

    public MediaEventDeserializer() {
        this(System::currentTimeMillis);
    }

    /** With another clock than the wall clock (tests). */
    public MediaEventDeserializer(SerializableClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        createDecoders();
    }

    private void createDecoders() {
        earlierSchemas = RecordCodec.earlierWriterSchemas();
        videoDecoder = RecordCodec.decoder(VideoFrameFeatures.class, earlierSchemas);
        audioDecoder = RecordCodec.decoder(AudioBlockFeatures.class, earlierSchemas);
        statusDecoder = RecordCodec.decoder(StreamStatus.class, earlierSchemas);
        decoders = new HashMap<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<MediaEvent> out) {
        out.collect(toMediaEvent(record));
    }

    /** Decodes one record; never throws. */
    public MediaEvent toMediaEvent(ConsumerRecord<byte[], byte[]> record) {
        if (decoders == null) {
            createDecoders();
        }
        byte[] value = record.value();
        BinaryMessageDecoder<? extends SpecificRecord> decoder;
        try {
            decoder = decoderFor(value);
        } catch (UnknownSchemaException e) {
            return deadLetter(record, DeadLetterCause.UNKNOWN_SCHEMA, e);
        } catch (RuntimeException e) {
            return deadLetter(record, DeadLetterCause.NOT_AVRO, e);
        }
        SpecificRecord decoded;
        try {
            decoded = RecordCodec.decode(decoder, value);
        } catch (RuntimeException e) {
            return deadLetter(record, DeadLetterCause.NOT_AVRO, e);
        }
        FeatureRecordValidator.Rejection rejection = FeatureRecordValidator.check(decoded, clock.getAsLong());
        if (rejection != null) {
            return deadLetter(record, rejection.cause(), rejection.error());
        }
        return MediaEvent.of(decoded);
    }

    private BinaryMessageDecoder<? extends SpecificRecord> decoderFor(byte[] value) {
        long fingerprint = RecordCodec.writerFingerprint(value);
        BinaryMessageDecoder<? extends SpecificRecord> decoder = decoders.get(fingerprint);
        if (decoder == null) {
            Schema writer = writerSchema(fingerprint);
            String name = writer == null ? null : writer.getFullName();
            if (VideoFrameFeatures.getClassSchema().getFullName().equals(name)) {
                decoder = videoDecoder;
            } else if (AudioBlockFeatures.getClassSchema().getFullName().equals(name)) {
                decoder = audioDecoder;
            } else if (StreamStatus.getClassSchema().getFullName().equals(name)) {
                decoder = statusDecoder;
            } else {
                // Not a feature record (another avmon record, or a schema newer than this job knows).
                throw new UnknownSchemaException(
                        "unknown writer schema fingerprint " + RecordCodec.fingerprintHex(value)
                                + (name == null ? "" : " (" + name + ", not a feature record)"));
            }
            decoders.put(fingerprint, decoder);
        }
        return decoder;
    }

    private Schema writerSchema(long fingerprint) {
        for (Schema current : new Schema[] {
            VideoFrameFeatures.getClassSchema(), AudioBlockFeatures.getClassSchema(), StreamStatus.getClassSchema()
        }) {
            if (RecordCodec.fingerprint(current) == fingerprint) {
                return current;
            }
        }
        return earlierSchemas.findByFingerprint(fingerprint);
    }

    private static MediaEvent deadLetter(
            ConsumerRecord<byte[], byte[]> record, DeadLetterCause cause, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return deadLetter(record, cause, message);
    }

    private static MediaEvent deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetterCause cause, String error) {
        DeadLetter letter = new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value(),
                cause,
                oneLine(error));
        long timestamp = record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis();
        return MediaEvent.ofDeadLetter(letter, timestamp);
    }

    static String oneLine(String message) {
        String line = message.replaceAll("[\\r\\n]+", " ").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    /** A well-formed header naming a schema that is no feature record this job reads. */
    private static final class UnknownSchemaException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownSchemaException(String message) {
            super(message);
        }
    }

    @Override
    public TypeInformation<MediaEvent> getProducedType() {
        return TypeInformation.of(MediaEvent.class);
    }
}
