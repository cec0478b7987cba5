package io.avmon.converter;

import io.avmon.schema.VideoFrameFeatures;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The converter's per-frame feature kernel (statistics, black share, frame difference, blockiness, thumbnails)
 * on pictures already in memory: the cost avmon adds on top of decoding. Two alternating textured frames, so the
 * frame difference is never trivially zero. Lives in the converter's package to reach the package-private class.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VideoFeatureBenchmark {

    @Param({"1920x1080", "1280x720", "640x360"})
    public String size;

    private final DecodedPicture[] pictures = {new DecodedPicture(), new DecodedPicture()};
    private VideoFeatureExtractor extractor;
    private long frame;

    @Setup
    public void setUp() {
        String[] wh = size.split("x");
        int width = Integer.parseInt(wh[0]);
        int height = Integer.parseInt(wh[1]);
        SplittableRandom random = new SplittableRandom(42);
        for (DecodedPicture picture : pictures) {
            picture.width = width;
            picture.height = height;
            picture.chromaWidth = width / 2;
            picture.chromaHeight = height / 2;
            picture.luma = texture(width, height, random);
            picture.cb = texture(width / 2, height / 2, random);
            picture.cr = texture(width / 2, height / 2, random);
        }
        extractor = new VideoFeatureExtractor("bench", "h264");
    }

    /** Smooth gradients plus noise: closer to a photograph than uniform noise, which defeats nothing. */
    static byte[] texture(int width, int height, SplittableRandom random) {
        byte[] plane = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double base = 110 + 60 * Math.sin(x / 37.0) * Math.cos(y / 23.0);
                plane[y * width + x] = (byte) Math.max(16, Math.min(235, (int) (base + random.nextInt(-6, 7))));
            }
        }
        return plane;
    }

    @Benchmark
    public VideoFrameFeatures extractFeatures() {
        DecodedPicture picture = pictures[(int) (frame & 1)];
        frame++;
        return extractor.extract(picture, frame * 40_000L, false, 0, 0);
    }
}
