package io.avmon.testmedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avmon.schema.DefectType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injections into the written MPEG-TS file, read back with FFmpeg: what the truth says was done is what a demuxer
 * and decoder find.
 */
class InjectionTest {

    @TempDir
    Path dir;

    @Test
    void damageToH264EndsAtTheNextKeyFrameAndAGapIsCutFromKeyFrameToKeyFrame() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .fps(25)
                        .seed(3)
                        .container("mpegts", ClipSpec.H264, "aac")
                        .gopSize(25)
                        .videoBitrate(800_000)
                        .segment(10, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .damageBitstream(1.5, 0.2)
                        .streamGap(5.0, 2.0)
                        .build(),
                dir.resolve("h264.ts"));

        assertThat(clip.truth())
                .extracting(InjectedDefect::defectType)
                .containsExactly(DefectType.BLOCK_CORRUPTION, DefectType.STREAM_STALL);
        InjectedDefect damage = clip.truth().get(0);
        assertThat(damage.startSeconds()).isCloseTo(1.52, within(0.05));
        assertThat(damage.endSeconds()).as("the next key frame, one GOP on").isCloseTo(2.0, within(1e-9));
        InjectedDefect gap = clip.truth().get(1);
        assertThat(gap.startSeconds()).isCloseTo(5.0, within(1e-9));
        assertThat(gap.endSeconds()).isCloseTo(7.0, within(1e-9));

        List<Double> videoTimes = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.file().toFile())) {
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                videoTimes.add(frame.timestamp / 1e6);
            }
            grabber.stop();
        }
        double start = videoTimes.get(0);
        assertThat(videoTimes)
                .as("no picture inside the gap")
                .noneMatch(t -> t - start > gap.startSeconds() + 0.01 && t - start < gap.endSeconds() - 0.01);
        assertThat(videoTimes)
                .as("the pictures after the gap keep their times")
                .anySatisfy(t -> assertThat(t - start).isCloseTo(gap.endSeconds(), within(0.01)));
    }

    @Test
    void shiftedAudioPlaysLateByTheOffsetAndTheSyncPatternUnderItIsTheTruth() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .size(320, 180)
                        .fps(25)
                        .seed(4)
                        .segment(2, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .segment(10, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                        .shiftAudio(4, 6, 300)
                        .build(),
                dir.resolve("late.ts"));

        assertThat(clip.truth()).singleElement().satisfies(t -> {
            assertThat(t.defectType()).isEqualTo(DefectType.AV_SYNC_OFFSET);
            assertThat(t.startSeconds()).isEqualTo(4.0);
            assertThat(t.endSeconds()).isEqualTo(10.0);
        });
        assertThat(clip.segments()).extracting(s -> s.audio().audioDelayMs()).containsExactly(0.0, 0.0, 300.0, 0.0);
        assertThat(clip.segmentAt(5).isHardNegative())
                .as("300 ms late is beyond BT.1359")
                .isFalse();
        assertThat(clip.segmentAt(11).isHardNegative())
                .as("the pattern back in sync")
                .isTrue();

        List<double[]> audioFrames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.file().toFile())) {
            grabber.start();
            Frame frame;
            long first = Long.MIN_VALUE;
            while ((frame = grabber.grabSamples()) != null) {
                first = first == Long.MIN_VALUE ? frame.timestamp : first;
                audioFrames.add(new double[] {
                    (frame.timestamp - first) / 1e6, frame.samples[0].remaining() / (double) grabber.getSampleRate()
                });
            }
            grabber.stop();
        }
        double largestJump = 0;
        for (int i = 1; i < audioFrames.size(); i++) {
            double end = audioFrames.get(i - 1)[0] + audioFrames.get(i - 1)[1];
            largestJump = Math.max(largestJump, audioFrames.get(i)[0] - end);
        }
        assertThat(largestJump)
                .as("the delay switched in leaves a hole of its length")
                .isCloseTo(0.3, within(0.03));
    }

    @Test
    void audioShiftSplitsTheTimelineWhereItStartsAndEnds() {
        List<TimedSegment> timeline = List.of(
                new TimedSegment(0, 3, VideoKind.MOTION, AudioContent.PROGRAMME),
                new TimedSegment(3, 15, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(20)));

        List<TimedSegment> heard = AudioShift.heard(timeline, List.of(new AudioShift(2, 8, -150)));

        assertThat(heard).extracting(TimedSegment::startSeconds).containsExactly(0.0, 2.0, 3.0, 10.0);
        assertThat(heard)
                .extracting(s -> s.audio().kind())
                .containsExactly(AudioKind.PROGRAMME, AudioKind.PROGRAMME, AudioKind.SYNC_BEEPS, AudioKind.SYNC_BEEPS);
        assertThat(heard.get(2).audio().audioDelayMs())
                .as("its own delay plus the shift")
                .isEqualTo(-130.0);
        assertThat(heard.get(3).audio().audioDelayMs()).isEqualTo(20.0);
    }

    @Test
    void anOffsetInTheSoundIsTruthFromItsFirstFlashAndBeepPair() {
        for (double delayMs : new double[] {300, -150}) {
            ClipSpec spec = ClipSpec.builder()
                    .size(320, 180)
                    .fps(25)
                    .seed(9)
                    .segment(3, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                    .segment(8, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(delayMs))
                    .segment(4, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                    .build();
            List<TimedSegment> timeline = ClipWriter.timeline(spec);

            List<InjectedDefect> truth = ClipWriter.truth(spec, timeline, timeline);

            // The pattern shows no flash within 0.5 s of a segment's edge: the first one under the offset is the
            // first shown frame of a flash at or after 3.5 s.
            long firstFlash = LongStream.range(75, 275)
                    .filter(i -> SyncPattern.flashing(9, i, 25, 3, 11))
                    .findFirst()
                    .orElseThrow();
            assertThat(truth).singleElement().satisfies(t -> {
                assertThat(t.startSeconds())
                        .as("delay %s ms", delayMs)
                        .isCloseTo(firstFlash / 25.0 + Math.min(0, delayMs) / 1000, within(1e-9));
                assertThat(t.startSeconds()).isBetween(3.35, 4.85);
                assertThat(t.endSeconds()).isEqualTo(11.0);
            });
        }
    }
}
