package io.avmon.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static DefectEvent sampleDefect() {
        return DefectEvent.newBuilder()
                .setEventId("e-1")
                .setStreamId("channel-7")
                .setDefectType(DefectType.FROZEN_FRAMES)
                .setState(DefectState.OPENED)
                .setStartMediaTimeMs(12_000)
                .setStartWallClockMs(1_700_000_000_000L)
                .setSeverity(Severity.CRITICAL)
                .setValue(0.02)
                .setUnit("levels")
                .setDetector("FrozenFrameDetector")
                .build();
    }

    @Test
    void roundTripsWithFingerprintHeader() {
        byte[] bytes = RecordCodec.encode(sampleDefect());

        assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(RecordCodec.fingerprint(DefectEvent.getClassSchema()));
        assertThat(RecordCodec.writerFingerprint(bytes)).isEqualTo(fingerprint);

        DefectEvent back = RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), bytes);
        assertThat(back).isEqualTo(sampleDefect());
    }

    @Test
    void olderReaderReadsRecordsFromNewerWriter() throws Exception {
        // A later release adds a field (with a default, as the compatibility rules require).
        String newerJson = DefectEvent.getClassSchema()
                .toString()
                .replace(
                        "{\"name\":\"detector\"",
                        "{\"name\":\"thumbnailUrl\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"detector\"");
        Schema newer = new Schema.Parser().parse(newerJson);
        assertThat(RecordCodec.fingerprint(newer)).isNotEqualTo(RecordCodec.fingerprint(DefectEvent.getClassSchema()));

        GenericRecord written = new GenericData.Record(newer);
        DefectEvent original = sampleDefect();
        for (Schema.Field field : DefectEvent.getClassSchema().getFields()) {
            Object value = original.get(field.name());
            if (value instanceof Enum<?> symbol) {
                value = new GenericData.EnumSymbol(newer.getField(field.name()).schema(), symbol.name());
            }
            written.put(field.name(), value);
        }
        written.put("thumbnailUrl", "https://thumbs.example/1.jpg");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(written)
                .array();

        // The old reader knows the newer writer schema by its fingerprint, and resolves it to its own.
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(newer);
        BinaryMessageDecoder<DefectEvent> oldReader = RecordCodec.decoder(DefectEvent.class, store);
        DefectEvent read = RecordCodec.decode(oldReader, bytes);

        assertThat(read).isEqualTo(original);
    }

    @Test
    void readsAudioBlocksFromAConverterOfTheFirstRelease() throws Exception {
        Schema first = historySchema("AudioBlockFeatures-1.avsc");
        assertThat(first.getField("trackSkewMs")).isNull();
        GenericRecord block = oldAudioBlock(first);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first)
                .encode(block)
                .array();

        assertThatThrownBy(() -> RecordCodec.decode(RecordCodec.decoder(AudioBlockFeatures.class, null), bytes))
                .hasMessageStartingWith("unknown writer schema fingerprint");
        AudioBlockFeatures read = RecordCodec.decode(
                RecordCodec.decoder(AudioBlockFeatures.class, RecordCodec.earlierWriterSchemas()), bytes);
        assertThat(read.getMediaTimeUs()).isEqualTo(400_000L);
        assertThat(read.getChannels().get(0).getPeakDbfs()).isEqualTo(-6f);
        assertThat(read.getTrackSkewMs()).isNull();
    }

    @Test
    void readsAudioBlocksWithoutOnsetTimesFromAConverterOfTheSecondRelease() throws Exception {
        Schema second = historySchema("AudioBlockFeatures-2.avsc");
        assertThat(second.getField("onsetTimeUs")).isNull();
        GenericRecord block = oldAudioBlock(second);
        block.put("trackSkewMs", 80f);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), second)
                .encode(block)
                .array();

        AudioBlockFeatures read = RecordCodec.decode(
                RecordCodec.decoder(AudioBlockFeatures.class, RecordCodec.earlierWriterSchemas()), bytes);
        assertThat(read.getTrackSkewMs()).isEqualTo(80f);
        assertThat(read.getOnsetTimeUs()).isNull();
        assertThat(read.getOnsetRiseDb()).isNull();
    }

    @Test
    void readsDefectEventsFromAJobBeforeStills() throws Exception {
        Schema first = historySchema("DefectEvent-1.avsc");
        assertThat(first.getField("still")).isNull();
        GenericRecord written = new GenericData.Record(first);
        DefectEvent original = sampleDefect();
        for (Schema.Field field : first.getFields()) {
            Object value = original.get(field.name());
            if (value instanceof Enum<?> symbol) {
                value = new GenericData.EnumSymbol(field.schema(), symbol.name());
            }
            written.put(field.name(), value);
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first)
                .encode(written)
                .array();

        assertThatThrownBy(() -> RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), bytes))
                .hasMessageStartingWith("unknown writer schema fingerprint");
        DefectEvent read =
                RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, RecordCodec.earlierWriterSchemas()), bytes);
        assertThat(read).isEqualTo(original);
        assertThat(read.getStill()).as("that job sent no picture").isNull();
    }

    @Test
    void stillTravelsWithItsPlanes() {
        Still still = Still.newBuilder()
                .setMediaTimeMs(12_040)
                .setWidth(32)
                .setHeight(18)
                .setLuma(ByteBuffer.wrap(new byte[32 * 18]))
                .setCb(ByteBuffer.wrap(new byte[16 * 9]))
                .setCr(ByteBuffer.wrap(new byte[16 * 9]))
                .setFullRange(false)
                .setSourceWidth(1920)
                .setSourceHeight(1080)
                .build();
        DefectEvent withStill =
                DefectEvent.newBuilder(sampleDefect()).setStill(still).build();

        DefectEvent back =
                RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), RecordCodec.encode(withStill));

        assertThat(back.getStill()).isEqualTo(still);
        assertThat(back.getStill().getLuma().remaining()).isEqualTo(32 * 18);
    }

    private static Schema historySchema(String name) throws Exception {
        try (var in = RecordCodec.class.getResourceAsStream("history/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }

    /** One 100 ms mono block as a converter writing {@code schema} sent it. */
    private static GenericRecord oldAudioBlock(Schema schema) {
        GenericRecord channel =
                new GenericData.Record(schema.getField("channels").schema().getElementType());
        channel.put("rmsDbfs", -20f);
        channel.put("peakDbfs", -6f);
        channel.put("nearFullScaleSamples", 0);
        channel.put("kWeightedMeanSquare", 0.01);
        GenericRecord block = new GenericData.Record(schema);
        block.put("streamId", "old");
        block.put("sequence", 4L);
        block.put("mediaTimeUs", 400_000L);
        block.put("ingestTimeMs", 1L);
        block.put("sampleRate", 48_000);
        block.put("sampleCount", 4_800);
        block.put("channelCount", 1);
        block.put("channels", List.of(channel));
        return block;
    }

    @Test
    void readsVideoFramesFromAConverterBeforeTheNoiseMeasure() throws Exception {
        assertThat(historySchema("VideoFrameFeatures-2.avsc").getField("noiseLevel"))
                .isNull();
        VideoFrameFeatures read = decodeSampleFrameWrittenWith("VideoFrameFeatures-2.avsc");
        assertThat(read.getMediaTimeUs()).isEqualTo(40_000L);
        assertThat(read.getKeyFrameDifference()).isEqualTo(1.5f);
        assertThat(read.getNoiseLevel()).as("not measured by that converter").isNull();
    }

    @Test
    void readsVideoFramesFromAConverterBeforeTheCodecName() throws Exception {
        assertThat(historySchema("VideoFrameFeatures-3.avsc").getField("codec")).isNull();
        VideoFrameFeatures read = decodeSampleFrameWrittenWith("VideoFrameFeatures-3.avsc");
        assertThat(read.getNoiseLevel()).isEqualTo(1.5f);
        assertThat(read.getCodec()).as("not named by that converter").isNull();
    }

    /** A frame with a sample value in every field, written with an earlier schema and read with today's. */
    private static VideoFrameFeatures decodeSampleFrameWrittenWith(String historyName) throws Exception {
        Schema previous = historySchema(historyName);
        GenericRecord frame = new GenericData.Record(previous);
        for (Schema.Field field : previous.getFields()) {
            Schema type = field.schema().getType() == Schema.Type.UNION
                    ? field.schema().getTypes().get(1)
                    : field.schema();
            frame.put(
                    field.name(),
                    switch (type.getType()) {
                        case STRING -> "old";
                        case LONG -> 40_000L;
                        case INT -> 32;
                        case BOOLEAN -> true;
                        case FLOAT -> 1.5f;
                        case BYTES -> ByteBuffer.wrap(new byte[] {16, 17});
                        case ENUM -> new GenericData.EnumSymbol(type, "I");
                        default -> throw new IllegalStateException("no sample for " + type);
                    });
        }
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), previous)
                .encode(frame)
                .array();
        return RecordCodec.decode(
                RecordCodec.decoder(VideoFrameFeatures.class, RecordCodec.earlierWriterSchemas()), bytes);
    }

    @Test
    void unknownFingerprintIsNamedInOneLine() {
        byte[] bytes = RecordCodec.encode(sampleDefect());
        bytes[5] ^= 0x5A;
        assertThatThrownBy(() -> RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), bytes))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessageStartingWith("unknown writer schema fingerprint")
                .hasMessageNotContaining("\n");
    }

    @Test
    void garbageIsRejectedWithCause() {
        assertThatThrownBy(() -> RecordCodec.decode(RecordCodec.decoder(DefectEvent.class, null), "hello".getBytes()))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessageContaining("not Avro single-object encoding");
    }
}
