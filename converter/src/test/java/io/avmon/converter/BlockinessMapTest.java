package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockinessMapTest {
    private static final int W = 640;
    private static final int H = 360;

    /** Textured picture; inside {@code blockyCells} (a cell mask, row-major over the 4x4 grid) each 8x8 block is flat. */
    private static byte[] picture(int blockyCells) {
        Random random = new Random(5);
        byte[] luma = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int cell = (y * 4 / H) * 4 + x * 4 / W;
                boolean blocky = (blockyCells & (1 << cell)) != 0;
                // Blocky: one level per 8x8 block, as a coarse quantiser leaves it; else smooth texture with noise.
                int value = blocky
                        ? 60 + ((x / 8) * 37 + (y / 8) * 53) % 120
                        : 100 + (int) (30 * Math.sin(x / 7.0) * Math.cos(y / 9.0)) + random.nextInt(5);
                luma[y * W + x] = (byte) value;
            }
        }
        return luma;
    }

    @Test
    void locatesBlockingInTheCellsItCovers() {
        BlockinessMap map = new BlockinessMap();
        double whole = map.measure(picture(0b11), W, H);
        byte[] cells = map.cells();

        assertThat((cells[0] & 0xFF) / BlockinessMap.CELL_SCALE)
                .as("top-left cell")
                .isGreaterThan(4.0);
        assertThat((cells[1] & 0xFF) / BlockinessMap.CELL_SCALE).isGreaterThan(4.0);
        for (int cell = 2; cell < 16; cell++) {
            // The cell next to the blocky ones shares their edge, a block boundary of its own: a little above 1.
            assertThat((cells[cell] & 0xFF) / BlockinessMap.CELL_SCALE)
                    .as("cell %d", cell)
                    .isLessThan(1.6);
        }
        assertThat(whole)
                .as("two blocky cells of sixteen raise the whole picture's figure")
                .isGreaterThan(1.3);
    }

    @Test
    void aCleanPictureReadsAboutOneEverywhere() {
        BlockinessMap map = new BlockinessMap();
        assertThat(map.measure(picture(0), W, H)).isCloseTo(1.0, within(0.2));
        for (byte cell : map.cells()) {
            assertThat((cell & 0xFF) / BlockinessMap.CELL_SCALE).isCloseTo(1.0, within(0.3));
        }
    }
}
