package io.avmon.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.job.DetectorChain;
import io.avmon.job.Features;
import io.avmon.job.Program;
import io.avmon.job.defect.DefectKind;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectState;
import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class BlockCorruptionDetectorTest {
    private static final long DURATION_MS = 16_000;
    /** GOP 12 at 25 fps: a key frame every 480 ms. */
    private static final long GOP_MS = 480;

    private final Random random = new Random(29);

    /**
     * How one frame at media ms t looks to the detector: its first {@code blockyCells} grid cells read a blockiness
     * of 3 (tiling), the rest the frame's own.
     */
    private record Look(int decodeErrorFlags, float blockiness, Features.Picture picture, int blockyCells) {
        Look(int decodeErrorFlags, float blockiness, Features.Picture picture) {
            this(decodeErrorFlags, blockiness, picture, 0);
        }

        ByteBuffer grid() {
            byte[] cells = new byte[16];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = (byte) Math.round(32 * (i < blockyCells ? 3.0f : blockiness));
            }
            return ByteBuffer.wrap(cells);
        }
    }

    private Look clean(long t) {
        return new Look(0, t % GOP_MS == 0 ? 1.45f : 1.1f + 0.1f * random.nextFloat(), Features.moving(random));
    }

    /** A moving programme with key frames every GOP, frames at media ms accepted by {@code lost} left out. */
    private List<SpecificRecord> programme(LongFunction<Look> look, LongPredicate lost) {
        List<SpecificRecord> records = new ArrayList<>();
        for (SpecificRecord r :
                Program.of("s", DURATION_MS, t -> Features.moving(random), t -> Program.PROGRAMME_AUDIO)) {
            if (r instanceof VideoFrameFeatures v) {
                long t = v.getMediaTimeUs() / 1000;
                if (lost.test(t)) continue;
                Look l = look.apply(t);
                VideoFrameFeatures frame = Features.frame("s", v.getSequence(), l.picture());
                frame.setKeyFrame(t % GOP_MS == 0);
                frame.setDecodeErrorFlags(l.decodeErrorFlags());
                frame.setBlockiness(l.blockiness());
                frame.setBlockinessGrid(l.grid());
                records.add(frame);
            } else {
                records.add(r);
            }
        }
        return records;
    }

    private List<DefectEvent> run(List<SpecificRecord> records) throws Exception {
        try (DetectorChain chain = new DetectorChain(DefectKind.defaultProfile())) {
            chain.processAll(records);
            chain.process(Features.ended("s", (DURATION_MS - 40) * 1000));
            assertThat(chain.keyedStateEntries()).as("state after ENDED").isZero();
            assertThat(chain.timers()).as("timers after ENDED").isZero();
            return chain.defects();
        }
    }

    @Test
    void aCleanProgrammeIsNotCorrupt() throws Exception {
        assertThat(run(programme(this::clean, t -> false))).isEmpty();
    }

    @Test
    void aFlaggedFrameOpensAtOnceAndTheDamageLastsUntilTheNextCleanKeyFrame() throws Exception {
        // Damage at 4.08-4.16 s (between key frames at 3.84 and 4.32 s): concealed, then carried by prediction.
        List<DefectEvent> defects = run(programme(
                t -> t >= 4080 && t <= 4160 ? new Look(0x4, 1.3f, Features.moving(random)) : clean(t), t -> false));
        assertThat(defects).extracting(DefectEvent::getState).containsExactly(DefectState.OPENED, DefectState.CLOSED);
        DefectEvent closed = defects.get(1);
        assertThat(closed.getDefectType()).isEqualTo(DefectType.BLOCK_CORRUPTION);
        assertThat(closed.getStartMediaTimeMs()).isEqualTo(4080);
        assertThat(closed.getEndMediaTimeMs()).as("the next clean key frame").isEqualTo(4320);
        assertThat(closed.getValue()).isEqualTo(100.0);
        assertThat(closed.getUnit()).isEqualTo("%");
        assertThat(closed.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(closed.getDetector()).isEqualTo("BlockCorruptionDetector");
        assertThat(defects.get(0).getEventId()).isEqualTo(closed.getEventId());
    }

    @Test
    void aFlaggedKeyFrameIsNotACleanOneSoTheDamageRunsToTheKeyFrameAfter() throws Exception {
        List<DefectEvent> defects =
                run(programme(t -> t == 4320 ? new Look(0x100, 1.4f, Features.moving(random)) : clean(t), t -> false));
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.CLOSED)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getStartMediaTimeMs()).isEqualTo(4320);
                    assertThat(d.getEndMediaTimeMs()).isEqualTo(4800);
                });
    }

    @Test
    void blockinessWellAboveTheStreamsNormalForThreeFramesIsCorruptionWithoutAnyFlag() throws Exception {
        List<DefectEvent> defects = run(programme(
                t -> t >= 8000 && t < 8400 ? new Look(0, 2.8f, Features.moving(random)) : clean(t), t -> false));
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.CLOSED)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getDefectType()).isEqualTo(DefectType.BLOCK_CORRUPTION);
                    assertThat(d.getStartMediaTimeMs())
                            .as("the third blocky frame")
                            .isEqualTo(8080);
                    assertThat(d.getEndMediaTimeMs()).isEqualTo(8400);
                });
    }

    @Test
    void aSingleBlockyKeyFrameAfterEachCutIsNotCorruption() throws Exception {
        assertThat(run(programme(
                        t -> t % 1440 == 0 ? new Look(0, 2.6f, Features.moving(random)) : clean(t), t -> false)))
                .isEmpty();
    }

    @Test
    void aCutToAGraphicWhoseEdgesLieOnTheBlockGridIsANewNormalNotCorruption() throws Exception {
        // Bars or a slide with edges on the 8x8 grid: flat inside every block, so blockiness reads 4 with no damage.
        assertThat(run(programme(
                        t -> {
                            if (t < 6000 || t >= 10_000) return clean(t);
                            Features.Picture slide = Features.moving(random);
                            Features.Picture still = new Features.Picture(
                                    slide.blackPixelShare(),
                                    t == 6000 ? 60f : 0.5f,
                                    slide.luma(),
                                    slide.cb(),
                                    slide.cr(),
                                    false,
                                    slide.lumaMean(),
                                    slide.lumaStdDev());
                            return new Look(0, 4.0f, still);
                        },
                        t -> false)))
                .noneMatch(d -> d.getDefectType() == DefectType.BLOCK_CORRUPTION);
    }

    @Test
    void aBlockyDipToBlackIsNotCorruption() throws Exception {
        // Near-black frames read high blockiness from compression steps over almost no texture: not judged.
        assertThat(run(programme(
                        t -> t >= 6000 && t < 7500
                                ? new Look(0, 3.5f, Features.black(random))
                                : t >= 5500 && t < 6000
                                        ? new Look(0, 2.4f, Features.fadeFrame(random, (6000 - t) / 500.0 * 0.2))
                                        : clean(t),
                        t -> false)))
                .isEmpty();
    }

    @Test
    void framesTheDecoderLostInsideADamagedStretchAreNotAlsoReportedAsDrops() throws Exception {
        List<DefectEvent> defects = run(programme(
                t -> t >= 4080 && t <= 4120 ? new Look(0x4, 1.3f, Features.moving(random)) : clean(t),
                t -> t == 4160 || t == 4200));
        assertThat(defects).extracting(DefectEvent::getDefectType).containsOnly(DefectType.BLOCK_CORRUPTION);
    }

    @Test
    void theValueIsTheShareOfThePictureTilingWhereTheGridShowsIt() throws Exception {
        // A lost slice tiles the top quarter (4 of 16 cells) until the next key frame.
        List<DefectEvent> defects = run(programme(
                t -> t >= 4080 && t < 4320 ? new Look(t == 4080 ? 0x4 : 0, 1.6f, Features.moving(random), 4) : clean(t),
                t -> false));
        assertThat(defects)
                .filteredOn(d -> d.getState() == DefectState.CLOSED)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getStartMediaTimeMs()).isEqualTo(4080);
                    assertThat(d.getValue()).isEqualTo(25.0);
                });
    }
}
