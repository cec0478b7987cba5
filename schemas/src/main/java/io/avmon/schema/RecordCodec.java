package io.avmon.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The wire convention of every avmon topic: Avro single-object encoding. A value is the two bytes
 * {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the Avro binary
 * body. Any Avro library can read it: look the fingerprint up among known writer schemas (the .avsc files in
 * this jar's {@code avro/} folder, or a newer release's) and resolve against your reader schema.
 *
 * <p>A reader built on an older release reads records from a newer writer once it knows the newer schema:
 * {@link #decoder(Class, SchemaStore)} takes a store of such schemas. Schema changes follow Avro's rules for
 * full compatibility: new fields get defaults, enum symbols are appended and have a default.
 */
public final class RecordCodec {

    private RecordCodec() {}

    /** Encodes any generated avmon record in single-object encoding. */
    public static byte[] encode(SpecificRecord record) {
        try {
            ByteBuffer buffer = encoderFor(record).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getName(), e);
        }
    }

    /**
     * The writer schemas of earlier avmon releases (resources under {@code io/avmon/schema/history/}), so a reader
     * of this release still decodes what an older converter wrote during a rolling upgrade.
     */
    public static SchemaStore earlierWriterSchemas() {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (String name : EARLIER_SCHEMAS) {
            try (InputStream in = RecordCodec.class.getResourceAsStream("history/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema resource history/" + name);
                }
                store.addSchema(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history/" + name, e);
            }
        }
        return store;
    }

    /** Every schema a released writer used that differs from this release's. */
    private static final List<String> EARLIER_SCHEMAS = List.of(
            "AudioBlockFeatures-1.avsc",
            "AudioBlockFeatures-2.avsc",
            "DefectEvent-1.avsc",
            "VideoFrameFeatures-1.avsc",
            "VideoFrameFeatures-2.avsc",
            "VideoFrameFeatures-3.avsc");

    /** A decoder for one record class that also accepts the writer schemas found in {@code writerSchemas}. */
    public static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type, SchemaStore writerSchemas) {
        Schema readerSchema = SpecificData.get().getSchema(type);
        return new BinaryMessageDecoder<>(SpecificData.get(), readerSchema, writerSchemas);
    }

    /**
     * Decodes one value, turning every failure into a {@link MalformedRecordException} whose message names the
     * cause in one line, so the caller can dead-letter the record.
     */
    public static <T extends SpecificRecord> T decode(BinaryMessageDecoder<T> decoder, byte[] value) {
        writerFingerprint(value);
        try {
            return decoder.decode(value);
        } catch (MissingSchemaException e) {
            throw new MalformedRecordException("unknown writer schema fingerprint " + fingerprintHex(value));
        } catch (BadHeaderException e) {
            throw new MalformedRecordException("bad single-object header: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException("corrupt Avro body for fingerprint " + fingerprintHex(value) + ": " + e);
        }
    }

    /**
     * The writer-schema fingerprint in a value's header, as {@link #fingerprint(Schema)} computes it: what a reader of
     * a topic carrying several record types looks up to pick the schema.
     *
     * @throws MalformedRecordException for a tombstone or a value without the single-object header
     */
    public static long writerFingerprint(byte[] value) {
        if (value == null) {
            throw new MalformedRecordException("empty value (tombstone)");
        }
        if (value.length < 10 || (value[0] & 0xFF) != 0xC3 || value[1] != 0x01) {
            throw new MalformedRecordException(
                    "not Avro single-object encoding (no C3 01 header), " + value.length + " bytes");
        }
        return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The writer-schema fingerprint of an encoded value, as 16 hex digits (little-endian bytes as sent). */
    public static String fingerprintHex(byte[] value) {
        StringBuilder hex = new StringBuilder(16);
        for (int i = 2; i < 10 && i < value.length; i++) {
            hex.append(String.format("%02x", value[i] & 0xFF));
        }
        return hex.toString();
    }

    /** The CRC-64-AVRO fingerprint used in the header, for registering schemas in a consumer's store. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ConcurrentHashMap<>();

    private static BinaryMessageEncoder<SpecificRecord> encoderFor(SpecificRecord record) {
        return ENCODERS.computeIfAbsent(
                record.getClass(), type -> new BinaryMessageEncoder<>(SpecificData.get(), record.getSchema()));
    }

    /** A value that is not a readable avmon record; the message is one line naming the cause. */
    public static final class MalformedRecordException extends RuntimeException {
        public MalformedRecordException(String message) {
            super(message);
        }
    }
}
