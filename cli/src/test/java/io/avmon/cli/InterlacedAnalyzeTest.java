package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.FieldOrder;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.VideoKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code avmon analyze} on interlaced MPEG-2 (interlaced DCT and motion estimation, each field painted from its own
 * instant, so motion combs): 576i25 and 1080i25, top and bottom field first. The picture defects are found as in
 * progressive media, and neither the weave nor a change of field order is a defect. One clip per format and field
 * order carries every defect; each defect is its own case.
 */
class InterlacedAnalyzeTest {

    enum Format {
        SD_576I(720, 576),
        HD_1080I(1920, 1080);

        final int width;
        final int height;

        Format(int width, int height) {
            this.width = width;
            this.height = height;
        }
    }

    @TempDir
    static Path dir;

    /** Analysed clips by name: each is written and read once, whichever case asks first. */
    private static final Map<String, Analysed> analysed = new ConcurrentHashMap<>();

    record Analysed(Clip clip, List<DefectEvent> reported) {}

    static Stream<Arguments> formatOrderDefect() {
        List<Arguments> cases = new ArrayList<>();
        for (Format format : Format.values()) {
            for (FieldOrder order : List.of(FieldOrder.TOP_FIRST, FieldOrder.BOTTOM_FIRST)) {
                for (DefectType defect : List.of(
                        DefectType.BLACK_FRAMES,
                        DefectType.FROZEN_FRAMES,
                        DefectType.COLOR_BARS,
                        DefectType.FRAME_DROP,
                        DefectType.BLOCK_CORRUPTION)) {
                    cases.add(Arguments.of(format, order, defect));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> formatOrder() {
        return Stream.of(Format.values())
                .flatMap(f ->
                        Stream.of(FieldOrder.TOP_FIRST, FieldOrder.BOTTOM_FIRST).map(o -> Arguments.of(f, o)));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("formatOrderDefect")
    void findsEachPictureDefectInInterlacedMpeg2WithItsOnsetWithinHalfASecond(
            Format format, FieldOrder order, DefectType defect) throws Exception {
        Analysed a = analysed(
                "defects-" + format + "-" + order,
                () -> ClipSpec.builder()
                        .size(format.width, format.height)
                        .seed(91)
                        .interlaced(order)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3.5, VideoKind.BLACK, AudioContent.PROGRAMME)
                        .segment(1.5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.FROZEN, AudioContent.PROGRAMME)
                        .segment(1.5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.COLOR_BARS, AudioContent.PROGRAMME)
                        .segment(2.5, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .dropFrames(1.0, 2)
                        .damageBitstream(15.2, 0.2)
                        .build());

        List<InjectedDefect> injected =
                a.clip().truth().stream().filter(t -> t.defectType() == defect).toList();
        assertThat(injected).as("the clip carries one " + defect).hasSize(1);
        List<DefectEvent> reported =
                a.reported().stream().filter(d -> d.getDefectType() == defect).toList();
        TruthMatch match = TruthMatch.of(injected, reported, 0.5);
        assertThat(match.missed()).as("found, its onset within 0.5 s").isEmpty();
        assertThat(match.falseAlarms()).as("raised once").isEmpty();
        assertThat(match.timingErrors()).isEmpty();
        assertThat(TruthMatch.of(a.clip().truth(), a.reported(), 0.5).falseAlarms())
                .as("nothing raised but the injected defects")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatOrder")
    void raisesNothingOnInterlacedMotionStillsCutsOrAFieldOrderChange(Format format, FieldOrder order)
            throws Exception {
        Analysed a = analysed(
                "negatives-" + format + "-" + order,
                () -> ClipSpec.builder()
                        .size(format.width, format.height)
                        .seed(92)
                        .interlaced(order)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.STATIC_NOISE, AudioContent.PROGRAMME)
                        .segment(3, VideoKind.SCENE_CUTS, AudioContent.PROGRAMME)
                        .swapFieldOrder(1.5)
                        .build());

        assertThat(a.clip().truth()).isEmpty();
        assertThat(a.reported())
                .as("the weave and the field order change are no defects")
                .isEmpty();
    }

    interface SpecSource {
        ClipSpec spec();
    }

    private static Analysed analysed(String name, SpecSource spec) {
        return analysed.computeIfAbsent(name, n -> {
            try {
                Clip clip = ClipWriter.write(spec.spec(), dir.resolve(n + ".ts"));
                return new Analysed(clip, AnalyzeJson.analyze(clip.file().toString()));
            } catch (Exception e) {
                throw new IllegalStateException(n + ": " + e.getMessage(), e);
            }
        });
    }
}
