package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.TestCard;
import io.avmon.testmedia.VideoKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code avmon analyze --json} on a generated 720p clip with black frames and SMPTE colour bars: each defect carries
 * the picture it was raised on, as a PNG an operator would see, read back here pixel by pixel.
 */
class StillOnAlarmTest {

    private static final String PNG_URI = "data:image/png;base64,";

    @TempDir
    static Path dir;

    @Test
    void blackAndColourBarsDefectsCarryStillsThatShowThem() throws Exception {
        // 720 lines: painted and read back as BT.709, as players read untagged HD.
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(111)
                        .size(1280, 720)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(5, VideoKind.COLOR_BARS, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("alarm.ts"));

        AnalyzeCommandTest.Result result = AnalyzeCommandTest.run(
                "analyze", "--json", "--no-progress", clip.file().toString());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        List<Map<String, Object>> rows = AnalyzeJson.rows(result.out());

        assertThat(rows).extracting(row -> row.get("defectType")).containsExactly("BLACK_FRAMES", "COLOR_BARS");
        Map<String, Object> black = rows.get(0);
        Map<String, Object> bars = rows.get(1);
        assertThat(black.get("state"))
                .as("analyze keeps the CLOSED event, with its OPENED's still")
                .isEqualTo("CLOSED");

        BufferedImage blackStill = still(black);
        assertThat(blackStill.getWidth()).isEqualTo(128);
        assertThat(blackStill.getHeight()).isEqualTo(72);
        for (int y = 0; y < blackStill.getHeight(); y++) {
            for (int x = 0; x < blackStill.getWidth(); x++) {
                int rgb = blackStill.getRGB(x, y);
                assertThat(Math.max(rgb >> 16 & 0xFF, Math.max(rgb >> 8 & 0xFF, rgb & 0xFF)))
                        .as("black still at (%d, %d)", x, y)
                        .isLessThan(24);
            }
        }

        BufferedImage barsStill = still(bars);
        // The seven bars fill the top two thirds: sample each bar's middle column a third of the way down.
        int row = barsStill.getHeight() / 3;
        for (int bar = 0; bar < 7; bar++) {
            int rgb = barsStill.getRGB((int) ((bar + 0.5) / 7 * barsStill.getWidth()), row);
            int[] seen = {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF};
            double[] expected = TestCard.SEVEN_BARS[bar];
            for (int c = 0; c < 3; c++) {
                assertThat(seen[c])
                        .as("bar %d, component %d of %s", bar, c, Arrays.toString(seen))
                        .isBetween((int) Math.round(expected[c] * 255) - 40, (int) Math.round(expected[c] * 255) + 40);
            }
        }
    }

    /** The row's still, checked to be a PNG data URI of modest size, decoded. */
    private static BufferedImage still(Map<String, Object> row) throws Exception {
        Object uri = row.get("still");
        assertThat(uri).as("%s carries a still", row.get("defectType")).isInstanceOf(String.class);
        String dataUri = (String) uri;
        assertThat(dataUri).startsWith(PNG_URI);
        byte[] png = Base64.getDecoder().decode(dataUri.substring(PNG_URI.length()));
        System.out.printf(
                "%s still: %d bytes of PNG, %d characters of data URI%n",
                row.get("defectType"), png.length, dataUri.length());
        assertThat(dataUri.length())
                .as("small enough for a chat message or a webhook body")
                .isLessThan(40_000);
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
