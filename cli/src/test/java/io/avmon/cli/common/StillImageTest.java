package io.avmon.cli.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avmon.schema.AvroJson;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.Still;
import io.avmon.testmedia.TestCard;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Stills drawn in known colours, turned into PNGs and read back pixel by pixel. */
class StillImageTest {

    private static final int W = 32;
    private static final int H = 18;

    /** The seven 75% bars across the thumbnail, coded with luma weights (kr, kb) in limited range. */
    private static Still bars(double kr, double kb, int sourceWidth, int sourceHeight) {
        byte[] luma = new byte[W * H];
        byte[] cb = new byte[(W / 2) * (H / 2)];
        byte[] cr = new byte[(W / 2) * (H / 2)];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                luma[y * W + x] = (byte) Math.round(yCbCr(x + 0.5, W, kr, kb)[0]);
            }
        }
        for (int y = 0; y < H / 2; y++) {
            for (int x = 0; x < W / 2; x++) {
                double[] c = yCbCr(x + 0.5, W / 2, kr, kb);
                cb[y * (W / 2) + x] = (byte) Math.round(c[1]);
                cr[y * (W / 2) + x] = (byte) Math.round(c[2]);
            }
        }
        return still(luma, cb, cr, false, sourceWidth, sourceHeight);
    }

    private static double[] yCbCr(double x, int columns, double kr, double kb) {
        double[] rgb = TestCard.SEVEN_BARS[Math.min(6, (int) (x / columns * 7))];
        return TestCard.limitedRangeYCbCr(rgb, kr, kb);
    }

    private static Still still(
            byte[] luma, byte[] cb, byte[] cr, boolean fullRange, int sourceWidth, int sourceHeight) {
        return Still.newBuilder()
                .setMediaTimeMs(4000)
                .setWidth(W)
                .setHeight(H)
                .setLuma(ByteBuffer.wrap(luma))
                .setCb(ByteBuffer.wrap(cb))
                .setCr(ByteBuffer.wrap(cr))
                .setFullRange(fullRange)
                .setSourceWidth(sourceWidth)
                .setSourceHeight(sourceHeight)
                .build();
    }

    private static Still uniform(int y, int cb, int cr, boolean fullRange) {
        byte[] luma = new byte[W * H];
        byte[] cbPlane = new byte[(W / 2) * (H / 2)];
        byte[] crPlane = new byte[(W / 2) * (H / 2)];
        Arrays.fill(luma, (byte) y);
        Arrays.fill(cbPlane, (byte) cb);
        Arrays.fill(crPlane, (byte) cr);
        return still(luma, cbPlane, crPlane, fullRange, 1920, 1080);
    }

    private static BufferedImage decode(String dataUri) throws Exception {
        assertThat(dataUri).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()));
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** RGB 0-255 at the middle of each bar, half way down. */
    private static List<int[]> barCentres(BufferedImage image) {
        List<int[]> colours = new ArrayList<>();
        for (int bar = 0; bar < 7; bar++) {
            int rgb = image.getRGB((int) ((bar + 0.5) / 7 * image.getWidth()), image.getHeight() / 2);
            colours.add(new int[] {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF});
        }
        return colours;
    }

    private static void assertBarColours(List<int[]> colours, int tolerance) {
        for (int bar = 0; bar < 7; bar++) {
            double[] expected = TestCard.SEVEN_BARS[bar];
            for (int c = 0; c < 3; c++) {
                assertThat(colours.get(bar)[c])
                        .as("bar %d, component %d", bar, c)
                        .isBetween(
                                (int) Math.round(expected[c] * 255) - tolerance,
                                (int) Math.round(expected[c] * 255) + tolerance);
            }
        }
    }

    @Test
    void hdStillIsReadAsBt709AndUpscaledFourTimes() throws Exception {
        BufferedImage image = decode(StillImage.dataUri(bars(TestCard.KR_709, TestCard.KB_709, 1920, 1080)));

        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(72);
        assertBarColours(barCentres(image), 6);
    }

    @Test
    void sdStillIsReadAsBt601InItsOwnAspectRatio() throws Exception {
        BufferedImage image = decode(StillImage.dataUri(bars(0.299, 0.114, 720, 576)));

        assertThat(image.getHeight()).isEqualTo(72);
        assertThat(image.getWidth()).as("720x576 with square pixels").isEqualTo(90);
        assertBarColours(barCentres(image), 6);
    }

    @Test
    void limitedAndFullRangeBlackAndWhiteReachTheEnds() throws Exception {
        assertThat(decode(StillImage.dataUri(uniform(16, 128, 128, false))).getRGB(64, 36) & 0xFFFFFF)
                .isEqualTo(0x000000);
        assertThat(decode(StillImage.dataUri(uniform(235, 128, 128, false))).getRGB(64, 36) & 0xFFFFFF)
                .isEqualTo(0xFFFFFF);
        assertThat(decode(StillImage.dataUri(uniform(0, 128, 128, true))).getRGB(64, 36) & 0xFFFFFF)
                .isEqualTo(0x000000);
        assertThat(decode(StillImage.dataUri(uniform(255, 128, 128, true))).getRGB(64, 36) & 0xFFFFFF)
                .isEqualTo(0xFFFFFF);
    }

    @Test
    void aStillWhosePlanesDoNotMatchItsSizeIsRefusedNamingThePlane() {
        Still truncated = still(new byte[W * H], new byte[10], new byte[(W / 2) * (H / 2)], false, 1920, 1080);

        assertThatThrownBy(() -> StillImage.dataUri(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("still's Cb plane holds 10 samples, not 16x9");
    }

    private static DefectEvent defect(Still still) {
        return DefectEvent.newBuilder()
                .setEventId("e-1")
                .setStreamId("channel-1")
                .setDefectType(DefectType.COLOR_BARS)
                .setState(DefectState.OPENED)
                .setStartMediaTimeMs(12_000)
                .setStartWallClockMs(1_700_000_000_000L)
                .setSeverity(Severity.CRITICAL)
                .setUnit("")
                .setDetector("ColorBarsDetector")
                .setStill(still)
                .build();
    }

    @Test
    void defectJsonKeepsTheSchemaFieldsThenDerivedOnesThenTheStillAsAPng() throws Exception {
        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("durationMs", null);

        JsonNode json = new ObjectMapper()
                .readTree(AvroJson.toJson(
                        DefectJson.toMap(defect(bars(TestCard.KR_709, TestCard.KB_709, 1920, 1080)), derived)));

        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactly(
                        "eventId",
                        "streamId",
                        "defectType",
                        "state",
                        "startMediaTimeMs",
                        "endMediaTimeMs",
                        "startWallClockMs",
                        "endWallClockMs",
                        "severity",
                        "value",
                        "unit",
                        "channel",
                        "detector",
                        "durationMs",
                        "still");
        assertBarColours(barCentres(decode(json.get("still").asText())), 6);
    }

    @Test
    void defectJsonLeavesOutAStillItCannotDrawAndKeepsTheEvent() throws Exception {
        Still broken = still(new byte[3], new byte[(W / 2) * (H / 2)], new byte[(W / 2) * (H / 2)], false, 1920, 1080);

        JsonNode json = new ObjectMapper().readTree(DefectJson.toJson(defect(broken)));

        assertThat(json.get("eventId").asText()).isEqualTo("e-1");
        assertThat(json.get("still").isNull()).isTrue();
        assertThat(new ObjectMapper()
                        .readTree(DefectJson.toJson(defect(null)))
                        .get("still")
                        .isNull())
                .isTrue();
    }
}
