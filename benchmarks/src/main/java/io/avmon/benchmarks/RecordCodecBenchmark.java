package io.avmon.benchmarks;

import io.avmon.schema.PictureType;
import io.avmon.schema.RecordCodec;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Wire cost of one video feature record in single-object encoding, thumbnails included. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordCodecBenchmark {

    private VideoFrameFeatures record;
    private byte[] encoded;
    private final BinaryMessageDecoder<VideoFrameFeatures> decoder =
            RecordCodec.decoder(VideoFrameFeatures.class, null);

    @Setup
    public void setUp() {
        byte[] luma = new byte[32 * 18];
        byte[] chroma = new byte[16 * 9];
        for (int i = 0; i < luma.length; i++) {
            luma[i] = (byte) (16 + i % 200);
        }
        record = VideoFrameFeatures.newBuilder()
                .setStreamId("channel-0001")
                .setSequence(123_456)
                .setMediaTimeUs(4_938_240_000L)
                .setIngestTimeMs(1_764_100_000_000L)
                .setWidth(1920)
                .setHeight(1080)
                .setKeyFrame(false)
                .setPictureType(PictureType.P)
                .setDecodeErrorFlags(0)
                .setFullRange(false)
                .setLumaMean(112.5f)
                .setLumaStdDev(45.2f)
                .setLumaMin(16)
                .setLumaMax(235)
                .setBlackPixelShare(0.012f)
                .setFrameDifference(6.3f)
                .setBlockiness(1.04f)
                .setThumbWidth(32)
                .setThumbHeight(18)
                .setThumbLuma(ByteBuffer.wrap(luma))
                .setThumbCb(ByteBuffer.wrap(chroma))
                .setThumbCr(ByteBuffer.wrap(chroma))
                .build();
        encoded = RecordCodec.encode(record);
    }

    @Benchmark
    public byte[] encode() {
        return RecordCodec.encode(record);
    }

    @Benchmark
    public VideoFrameFeatures decode() {
        return RecordCodec.decode(decoder, encoded);
    }

    /** Bytes on the wire per record, printed once so the results can state it. */
    public static void main(String[] args) {
        RecordCodecBenchmark bench = new RecordCodecBenchmark();
        bench.setUp();
        System.out.println("VideoFrameFeatures single-object encoded size: " + bench.encoded.length + " bytes");
    }
}
