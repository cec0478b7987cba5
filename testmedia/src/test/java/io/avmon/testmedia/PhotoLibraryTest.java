package io.avmon.testmedia;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** PHOTO_PAN's pictures: generated, so a clip's pixels do not depend on what a machine has installed. */
class PhotoLibraryTest {

    @Test
    void panPicturesAreGeneratedWhenNoDirectoryIsNamed() {
        assertThat(PhotoLibrary.describe()).contains("generated");
        assertThat(PhotoLibrary.texture(3, 64, 36)).isNotNull();
    }

    /**
     * Pinned: these pixels feed the accuracy slice and benchmark, whose figures move with them. A deliberate change of
     * the generator updates the checksum and reruns the benchmark.
     */
    @Test
    void generatedPhotographIsTheSamePixelsOnEveryRun() {
        int[] picture = LandscapePicture.paint(5, 96, 54);

        assertThat(LandscapePicture.paint(5, 96, 54)).isEqualTo(picture);
        assertThat(Long.toHexString(crc(picture))).isEqualTo("48b5fb92");
    }

    @Test
    void generatedPhotographHasASmoothSkyOverTexturedGround() {
        int width = 480;
        int height = 270;
        int[] picture = LandscapePicture.paint(0, width, height);

        double sky = meanHorizontalStep(picture, width, 0, height / 10);
        double ground = meanHorizontalStep(picture, width, height * 8 / 10, height);

        assertThat(sky).as("sky").isLessThan(ground / 3);
        assertThat(ground).as("ground").isGreaterThan(1);
    }

    private static double meanHorizontalStep(int[] picture, int width, int fromRow, int toRow) {
        double sum = 0;
        int count = 0;
        for (int y = fromRow; y < toRow; y++) {
            for (int x = 1; x < width; x++) {
                sum += Math.abs(green(picture[y * width + x]) - green(picture[y * width + x - 1]));
                count++;
            }
        }
        return sum / count;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static long crc(int[] picture) {
        CRC32 crc = new CRC32();
        for (int rgb : picture) {
            crc.update(rgb >> 16);
            crc.update(rgb >> 8);
            crc.update(rgb);
        }
        return crc.getValue();
    }
}
