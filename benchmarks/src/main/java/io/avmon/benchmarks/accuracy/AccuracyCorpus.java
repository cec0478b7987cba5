package io.avmon.benchmarks.accuracy;

import io.avmon.job.core.DetectionProfile;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.ExternalEncoder;
import io.avmon.testmedia.FieldOrder;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.TimedSegment;
import io.avmon.testmedia.VideoKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A deterministic fault-injection corpus written with testmedia: for every defect class, ten or more clips with two
 * or more defects each (one near the class's minimum duration, one well above it; A/V sync: 24 clips with one), at
 * seeded positions, in
 * surrounding content drawn from the programme kinds and the hard negatives, over the {@link CorpusFormat}s (360p to
 * 720p, 25 to 50 fps, MPEG-2 and H.264, GOPs of 12 to 60); and hard-negative clips without truth. Every draw comes
 * from the clip's seed, so the corpus is the same on every run and every machine (PHOTO_PAN pans
 * {@link io.avmon.testmedia.PhotoLibrary}'s generated photographs unless a run names its own).
 *
 * <p>Defects are injected as they happen in the field: corruption by overwriting encoded video in the MPEG-TS file,
 * drops by leaving frames out, stalls by cutting both tracks' packets, sync offsets by moving the audio packets'
 * timestamps or by delaying the sound in the content before encoding. Truth is testmedia's own ({@link Clip#truth()}):
 * an A/V sync offset starts where a monitor can first know of it, at the first moved audio timestamp, or for an
 * offset only the content shows, at the first flash-and-beep pair under it. One addition is made here: testmedia gives no
 * loudness truth, so a tone or programme segment whose loudness is outside the profile's bounds, long enough for the
 * ideal short-term reading to stay outside for the class's raise delay (the issue's definition), gets
 * LOUDNESS_VIOLATION truth over the segment (a stereo 1 kHz sine with its peak at
 * L dBFS reads L LUFS; the programme reads about -23 LUFS plus its gain, and is only used at least 3 LU from a
 * bound).
 */
public final class AccuracyCorpus {

    /**
     * One clip to write. {@code group}: the defect class it exercises, or "hard-negative". {@code inSlice}: part of
     * the small slice the test suite runs ({@link #SLICE}).
     */
    public record Entry(
            String name,
            String group,
            CorpusFormat format,
            String description,
            ClipSpec spec,
            boolean inSlice,
            Half half) {}

    /**
     * Which part of the corpus a clip belongs to, decided before any clip of the Debian arm was scored: the test
     * toolchain's clips and the Debian arm's development half are what thresholds may be tuned on; the held-out half
     * (its own encoder settings, formats and seeds) is what nobody tunes on.
     */
    public enum Half {
        TOOLCHAIN("test toolchain (development)"),
        DEBIAN_DEVELOPMENT("Debian ffmpeg, development half"),
        DEBIAN_HELD_OUT("Debian ffmpeg, held-out half");

        private final String label;

        Half(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One family of clips: the half it belongs to, its formats (for the picture classes, for the sound classes, and
     * for the transport injections, which need parsed pictures), a name prefix and a seed base.
     */
    private record Arm(
            Half half,
            String prefix,
            long seedBase,
            List<CorpusFormat> picture,
            List<CorpusFormat> sound,
            List<CorpusFormat> surgery,
            List<AudioContent> programmeSounds) {}

    /** A written clip with the truth it is scored against. */
    public record Written(Entry entry, Clip clip, List<InjectedDefect> truth) {
        public Scorer.ClipTruth toClipTruth() {
            return new Scorer.ClipTruth(
                    entry.name(),
                    entry.description(),
                    clip.durationSeconds(),
                    truth,
                    clip.segments(),
                    HARD_NEGATIVE.equals(entry.group()));
        }
    }

    public static final String HARD_NEGATIVE = "hard-negative";

    /**
     * The slice the test suite runs: one clip of every class, the hardest cases that the detectors now handle, and
     * twelve hard negatives (with issue 9's sparse sounds over digital zeros, cuts on music and a static shot under a
     * 10 s GOP), about seven minutes of media. The hard cases: frozen-03 (a dark pan at 50 fps between two freezes,
     * which pauses for a few frames at a time), frozen-11 (a freeze entered from a slowing pan, with an H.264 key
     * frame inside), block-12 (a static scene whose noise low-rate H.264 codes away, looking frozen between its key
     * frames), sync-04 (audio timestamps moved mid-stream) and sync-05 (the beeps late in the content, timestamps
     * intact).
     */
    static final Set<String> SLICE = Set.of(
            "black-01",
            "frozen-01",
            "frozen-03",
            "frozen-11",
            "bars-01",
            "drop-01",
            "block-03",
            "block-12",
            "stall-01",
            "silence-01",
            "clipping-01",
            "chloss-01",
            "loud-09",
            "sync-04",
            "sync-05",
            "hn-dip",
            "hn-fade",
            "hn-static",
            "hn-loud-legal-programme",
            "hn-sync-in-sync",
            "hn-sync+60",
            "hn-sync-silence-edges",
            "hn-sync-content+180",
            "hn-lineup-beeps",
            "hn-ticking",
            "hn-sync-cuts-on-music",
            "hn-static-long-gop");

    /** The programme's loudness with no gain (AudioSynthesizer's calibration). */
    static final double PROGRAMME_LUFS = -23;
    /** BS.1770's short-term window, in 100 ms blocks. */
    private static final int SHORT_TERM_BLOCKS = 30;
    /** The quiet passage's loudness (AudioSynthesizer's QUIET reads about -43 LUFS). */
    static final double QUIET_LUFS = -43;
    /** Least distance of a programme passage's loudness from a bound: its short-term loudness swings by a few LU. */
    static final double PROGRAMME_MARGIN_LU = 3;

    private static final AudioContent P = AudioContent.PROGRAMME;
    /** Picture around the picture defects: programme and the hard negatives that do not look like the defect. */
    private static final List<VideoKind> PROGRAMME_PICTURES = List.of(
            VideoKind.MOTION,
            VideoKind.PHOTO_PAN,
            VideoKind.SCENE_CUTS,
            VideoKind.LETTERBOX,
            VideoKind.DARK_SCENE,
            VideoKind.STATIC_NOISE);
    /** Picture under the sound defects, where black and dips are fair game too. */
    private static final List<VideoKind> ANY_PICTURE = List.of(
            VideoKind.MOTION,
            VideoKind.PHOTO_PAN,
            VideoKind.SCENE_CUTS,
            VideoKind.LETTERBOX,
            VideoKind.DARK_SCENE,
            VideoKind.STATIC_NOISE,
            VideoKind.DIP_TO_BLACK,
            VideoKind.FADE_THROUGH_BLACK,
            VideoKind.RAINBOW_SLIDE);
    /** Sound around the defects: programme, a quiet passage, and the programme a little up or down. */
    private static final List<AudioContent> PROGRAMME_SOUNDS =
            List.of(P, P, AudioContent.QUIET, AudioContent.programme(2), AudioContent.programme(-6));

    private static final Arm TOOLCHAIN = new Arm(
            Half.TOOLCHAIN,
            "",
            0,
            CorpusFormat.PICTURE,
            CorpusFormat.SOUND,
            rotate(CorpusFormat.PICTURE, 1),
            PROGRAMME_SOUNDS);

    private final DetectionProfile profile;
    private final double upperLufs;
    private final double lowerLufs;
    /** Debian's ffmpeg, for the Debian arm; null without one (CI), when the corpus is the test toolchain's only. */
    private final ExternalEncoder debian;
    /** The arm {@link #entries()} is laying out: every class generator draws its formats, names and seeds from it. */
    private Arm arm = TOOLCHAIN;

    /** The test toolchain's corpus only: what CI can write. */
    public AccuracyCorpus(DetectionProfile profile) {
        this(profile, null);
    }

    /** With {@code debian} (may be null), the corpus adds the Debian arm, in two halves ({@link Half}). */
    AccuracyCorpus(DetectionProfile profile, ExternalEncoder debian) {
        this.profile = profile;
        this.debian = debian;
        LoudnessDetector.Thresholds loudness =
                profile.thresholds(DefectType.LOUDNESS_VIOLATION, LoudnessDetector.Thresholds.class);
        this.upperLufs = loudness.maxLufs();
        this.lowerLufs = loudness.minLufs();
    }

    public List<Entry> entries() {
        List<Entry> e = new ArrayList<>();
        arm = TOOLCHAIN;
        blackFrames(e, 11);
        frozenFrames(e, 11);
        colourBars(e, 11);
        frameDrops(e, 10);
        blockCorruption(e, 12);
        streamStalls(e, 11);
        silence(e, 11);
        clipping(e, 11);
        channelLoss(e, 11);
        loudness(e, 11);
        avSync(e, 24);
        hardNegatives(e);
        if (debian != null) {
            for (Arm half : List.of(DebianArm.DEVELOPMENT, DebianArm.HELD_OUT)) {
                arm = half;
                // One clip of two defects per class (the shared machine writes this arm at about a tenth of real
                // time); for sync, one clip of each way of moving the sound.
                blackFrames(e, 1);
                frozenFrames(e, 1);
                // Neither half's picture formats give its freeze to x265, which codes freezes its own way (see
                // FrozenFrameDetector): one more, in the half's x265 format.
                pictureDefects(e, DefectType.FROZEN_FRAMES, 1, 2, DebianArm.x265(arm), this::freeze);
                colourBars(e, 1);
                frameDrops(e, 1);
                blockCorruption(e, 1);
                streamStalls(e, 1);
                silence(e, 1);
                clipping(e, 1);
                channelLoss(e, 1);
                loudness(e, 2);
                avSync(e, 3);
                debianHardNegatives(e);
            }
            // Last, so that no other clip's seed moves: a static shot under x265 in development (the held-out half's
            // is x265 already, development's other x264).
            arm = DebianArm.DEVELOPMENT;
            hardNegative(e, "hn-static-long-gop-x265", DebianArm.X265_LONG_GOP, DebianArm::staticShot);
            // And one under x264 held out (its other static shot is x265's), so that both halves judge the H.264
            // repeat rules on a static shot.
            arm = DebianArm.HELD_OUT;
            hardNegative(e, "hn-static-long-gop-x264", DebianArm.X264_LONG_GOP, DebianArm::staticShot);
            arm = TOOLCHAIN;
        }
        return e;
    }

    /** Black held near and well above the raise delay, sometimes with the sound gone too. */
    private void blackFrames(List<Entry> e, int clips) {
        pictureDefects(
                e,
                DefectType.BLACK_FRAMES,
                clips,
                (c, length) -> c.then(
                        length, VideoKind.BLACK, c.random.nextInt(4) == 0 ? AudioContent.SILENCE : programmeSound(c)));
    }

    /** The last picture repeated while the sound plays on. */
    private void frozenFrames(List<Entry> e, int clips) {
        pictureDefects(e, DefectType.FROZEN_FRAMES, clips, this::freeze);
    }

    private void freeze(ClipPlan c, double length) {
        c.then(length, VideoKind.FROZEN, programmeSound(c));
    }

    /** SMPTE, EBU or HD bars, with line-up tone, programme or nothing under them. */
    private void colourBars(List<Entry> e, int clips) {
        // Line-up tone at -20 dBFS: 2 LU under the loudness bound (EBU's -18 dBFS alignment level sits on it).
        pictureDefects(
                e,
                DefectType.COLOR_BARS,
                clips,
                (c, length) -> c.then(
                        length,
                        c.pick(List.of(VideoKind.COLOR_BARS, VideoKind.COLOR_BARS_EBU, VideoKind.COLOR_BARS_HD)),
                        c.pick(List.of(AudioContent.tone1k(-20), P, AudioContent.SILENCE))));
    }

    /**
     * Clips of a picture defect, each holding it twice between programme pictures: once near the class's raise
     * delay and once well above it. {@code defect} adds one of them, of the given length.
     */
    private void pictureDefects(List<Entry> e, DefectType type, int clips, BiConsumer<ClipPlan, Double> defect) {
        pictureDefects(e, type, 0, clips, arm.picture(), defect);
    }

    /** Clips {@code from} (inclusive) to {@code to} of a picture class, in {@code formats}. */
    private void pictureDefects(
            List<Entry> e,
            DefectType type,
            int from,
            int to,
            List<CorpusFormat> formats,
            BiConsumer<ClipPlan, Double> defect) {
        double min = minSeconds(type);
        for (int i = from; i < to; i++) {
            ClipPlan c = plan(type, i, formats);
            lead(c, PROGRAMME_PICTURES);
            for (double length : nearAndAbove(c, min, 0.2, 0.6, 1, 4)) {
                defect.accept(c, length);
                lead(c, PROGRAMME_PICTURES);
            }
            add(e, type, i, c);
        }
    }

    /** Three or four drops of 1 to 6 frames, at least 1.5 s apart (more than the 1 s that merges drops). */
    private void frameDrops(List<Entry> e, int clips) {
        for (int i = 0; i < clips; i++) {
            ClipPlan c = plan(DefectType.FRAME_DROP, i, arm.picture());
            int drops = c.between(3, 4);
            List<Double> times = new ArrayList<>();
            double t = c.uniform(1.5, 2.5);
            for (int d = 0; d < drops; d++) {
                times.add(t);
                t += c.uniform(1.6, 3.5);
            }
            programme(c, t + 1);
            for (double at : times) {
                // A single frame is the least a drop can be; most drops in the field are one to a few frames.
                c.dropFrames(at, c.random.nextInt(3) == 0 ? 1 : c.between(2, 6));
            }
            add(e, DefectType.FRAME_DROP, i, c);
        }
    }

    /**
     * Encoded video overwritten over one picture up to a fifth of a second (near the minimum of zero) and over
     * 0.5-2 s, the two far enough apart (a GOP and 1.5 s) that their propagation does not join them.
     */
    private void blockCorruption(List<Entry> e, int clips) {
        for (int i = 0; i < clips; i++) {
            // H.264 first, so the slice's clip exercises the newer injection.
            ClipPlan c = plan(DefectType.BLOCK_CORRUPTION, i, arm.surgery());
            List<double[]> damage = new ArrayList<>();
            double t = c.uniform(2, 3.5);
            for (double length : nearAndAbove(c, 0, 1.0 / c.format.fps(), 0.2, 0.5, 2)) {
                damage.add(new double[] {t, length});
                t += length + c.format.gopSeconds() + c.uniform(1.5, 3);
            }
            programme(c, t + 1);
            damage.forEach(d -> c.damageBitstream(d[0], d[1]));
            add(e, DefectType.BLOCK_CORRUPTION, i, c);
        }
    }

    /**
     * Both tracks cut from key frame to key frame, once just above the raise delay and once well above. One picture
     * kind per clip: OpenH264 adds key frames at cuts, which would move where a cut-out stretch ends.
     */
    private void streamStalls(List<Entry> e, int clips) {
        double min = minSeconds(DefectType.STREAM_STALL);
        for (int i = 0; i < clips; i++) {
            ClipPlan c = plan(DefectType.STREAM_STALL, i, arm.surgery());
            VideoKind picture =
                    c.pick(List.of(VideoKind.MOTION, VideoKind.PHOTO_PAN, VideoKind.LETTERBOX, VideoKind.DARK_SCENE));
            double gop = c.format.gopSeconds();
            List<double[]> gaps = new ArrayList<>();
            double t = c.nextKeyFrame(c.uniform(2.5, 4));
            for (double wanted : nearAndAbove(c, min, 0.2, 0.5, 1, 3)) {
                double length = Math.ceil(wanted / gop - 1e-9) * gop;
                gaps.add(new double[] {t, length});
                t = c.nextKeyFrame(t + length + c.uniform(2.5, 4));
            }
            c.then(t + c.uniform(1.5, 3), picture, programmeSound(c));
            gaps.forEach(g -> c.streamGap(g[0], g[1]));
            add(e, DefectType.STREAM_STALL, i, c);
        }
    }

    private void silence(List<Entry> e, int clips) {
        soundDefect(e, DefectType.AUDIO_SILENCE, clips, AudioContent.SILENCE, 0.2, 0.6, 1, 4, 2);
    }

    /**
     * A clipped passage is about 20 LU too loud, and the 3 s short-term loudness carries it on for 3 s after it ends:
     * passages are kept to 6 s, and 7 s apart, so no stretch of them lasts the loudness raise delay (10 s) and
     * becomes a loudness violation the truth does not name.
     */
    private void clipping(List<Entry> e, int clips) {
        soundDefect(e, DefectType.AUDIO_CLIPPING, clips, AudioContent.CLIPPED, 0.2, 0.5, 1.5, 5, 7);
    }

    /** The last channel of the stereo pair dies. */
    private void channelLoss(List<Entry> e, int clips) {
        soundDefect(e, DefectType.AUDIO_CHANNEL_LOSS, clips, AudioContent.DEAD_CHANNEL, 0.2, 0.6, 1, 4, 2);
    }

    /** Two defects of a sound class, in a clip of programme pictures, at least {@code minGap} s of programme apart. */
    private void soundDefect(
            List<Entry> e,
            DefectType type,
            int clips,
            AudioContent defect,
            double nearFrom,
            double nearTo,
            double aboveFrom,
            double aboveTo,
            double minGap) {
        double min = minSeconds(type);
        for (int i = 0; i < clips; i++) {
            // Channel loss is scored on stereo only: a mono stream's only channel lost is silence, and in 5.1 the
            // last channel is a surround, which the default profile does not judge (often silent in programme).
            ClipPlan c = plan(
                    type,
                    i,
                    arm.sound().stream()
                            .filter(f -> type != DefectType.AUDIO_CHANNEL_LOSS || f.channels() == 2)
                            .toList());
            VideoKind picture = c.pick(ANY_PICTURE);
            c.then(c.uniform(2, 3.5), picture, programmeSound(c));
            for (double length : nearAndAbove(c, min, nearFrom, nearTo, aboveFrom, aboveTo)) {
                c.then(length, c.random.nextBoolean() ? picture : c.pick(ANY_PICTURE), defect);
                c.then(minGap + c.uniform(0, 1.5), c.pick(ANY_PICTURE), programmeSound(c));
            }
            add(e, type, i, c);
        }
    }

    /**
     * Two violations per clip, of one of four kinds in turn: a loud tone, a hot programme, a programme far too low and
     * a low tone; one held just past the raise delay and one well past it, with programme between them long enough
     * for the short-term loudness (3 s) and the hold-off (3 s) to let the first close. A passage too quiet is held a
     * short-term window longer: the window must first empty of the programme before it, whose energy outweighs the
     * quiet passage's until the last of it has left.
     */
    private void loudness(List<Entry> e, int clips) {
        double min = minSeconds(DefectType.LOUDNESS_VIOLATION);
        for (int i = 0; i < clips; i++) {
            ClipPlan c = plan(DefectType.LOUDNESS_VIOLATION, i, arm.sound());
            c.then(c.uniform(3, 4.5), c.pick(PROGRAMME_PICTURES), P);
            int kind = i % 4;
            double windowFill = kind >= 2 ? SHORT_TERM_BLOCKS / 10.0 : 0;
            for (double length : nearAndAbove(c, min + windowFill, 0.5, 1.5, 2, 5)) {
                AudioContent violation = switch (kind) {
                    case 0 -> AudioContent.tone1k(tenth(Math.min(-3, upperLufs + c.uniform(2, 12))));
                    case 1 ->
                        AudioContent.programme(
                                tenth(upperLufs - PROGRAMME_LUFS + PROGRAMME_MARGIN_LU + c.uniform(0, 3)));
                    case 2 ->
                        AudioContent.programme(
                                tenth(lowerLufs - PROGRAMME_LUFS - PROGRAMME_MARGIN_LU - c.uniform(2, 7)));
                    default -> AudioContent.tone1k(tenth(lowerLufs - c.uniform(3, 8)));
                };
                c.then(length, c.pick(PROGRAMME_PICTURES), violation);
                c.then(c.uniform(6.5, 8), c.pick(PROGRAMME_PICTURES), P);
            }
            add(e, DefectType.LOUDNESS_VIOLATION, i, c);
        }
    }

    /**
     * The flash-and-beep pattern with its sound moved against the picture: late by 250-400 ms or early by 120-250 ms
     * (beyond BT.1359's acceptability of +185 / -90 ms), in three ways a field sees, a third of the clips each:
     * <ul>
     *   <li>the audio track's timestamps moved for a stretch mid-stream (a delay switched into one track's path);</li>
     *   <li>the beeps late or early in the content itself, timestamps intact (a delay before the encoder);</li>
     *   <li>the audio track's timestamps moved from the stream's first packet to its last (an offset it has always had).</li>
     * </ul>
     * Stretches of 6-8 s are near what a pattern of one flash a second lets a content estimate see (five pairs and the
     * 3 s raise delay); the others last 9-14 s. Some clips open on programme, so the pattern starts mid-stream.
     */
    private void avSync(List<Entry> e, int clips) {
        for (int i = 0; i < clips; i++) {
            ClipPlan c = plan(DefectType.AV_SYNC_OFFSET, i, arm.sound());
            double offset = Math.round(i % 2 == 0 ? c.uniform(250, 400) : -c.uniform(120, 250));
            if (c.random.nextBoolean()) {
                c.then(
                        c.uniform(2, 4),
                        c.pick(List.of(VideoKind.MOTION, VideoKind.PHOTO_PAN, VideoKind.SCENE_CUTS)),
                        P);
            }
            double stretch = c.random.nextInt(4) == 0 ? c.uniform(6, 8) : c.uniform(9, 14);
            switch (i % 3) {
                case 0 -> {
                    double at = c.now() + c.uniform(2, 4);
                    c.then(at - c.now() + stretch + c.uniform(4, 6), VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0));
                    c.shiftAudio(at, stretch, offset);
                }
                case 1 ->
                    c.then(c.uniform(2, 4), VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0))
                            .then(stretch, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(offset))
                            .then(c.uniform(4, 6), VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0));
                default -> {
                    c.then(stretch + 1, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0));
                    c.shiftAudio(0, c.now(), offset);
                }
            }
            add(e, DefectType.AV_SYNC_OFFSET, i, c);
        }
    }

    /** Clips made only to tempt the detectors: no truth, and nothing may fire on them. */
    private void hardNegatives(List<Entry> e) {
        double legalTone = upperLufs - 1.0;
        double loudLegalGain = upperLufs - PROGRAMME_LUFS - PROGRAMME_MARGIN_LU;
        hardNegative(
                e,
                "hn-dip",
                0,
                c -> c.then(3, VideoKind.PHOTO_PAN, P)
                        .then(2, VideoKind.DIP_TO_BLACK, P)
                        .then(3, VideoKind.MOTION, P)
                        .then(2.5, VideoKind.DIP_TO_BLACK, P)
                        .then(2, VideoKind.MOTION, P));
        hardNegative(
                e,
                "hn-fade",
                1,
                c -> c.then(3, VideoKind.MOTION, P)
                        .then(3.5, VideoKind.FADE_THROUGH_BLACK, P)
                        .then(2, VideoKind.SCENE_CUTS, P)
                        .then(4, VideoKind.FADE_THROUGH_BLACK, AudioContent.QUIET)
                        .then(2, VideoKind.PHOTO_PAN, P));
        hardNegative(e, "hn-dark", 2, c -> c.then(8, VideoKind.DARK_SCENE, P));
        hardNegative(e, "hn-letterbox", 5, c -> c.then(8, VideoKind.LETTERBOX, P));
        hardNegative(e, "hn-static", 0, c -> c.then(8, VideoKind.STATIC_NOISE, P));
        hardNegative(e, "hn-cuts", 4, c -> c.then(8, VideoKind.SCENE_CUTS, P));
        hardNegative(
                e,
                "hn-rainbow",
                0,
                c -> c.then(2, VideoKind.MOTION, P)
                        .then(8, VideoKind.RAINBOW_SLIDE, P)
                        .then(2, VideoKind.MOTION, P));
        hardNegative(e, "hn-photo", 6, c -> c.then(5, VideoKind.PHOTO_PAN, P).then(5, VideoKind.PHOTO_PAN, P));
        hardNegative(
                e,
                "hn-quiet",
                3,
                c -> c.then(3, VideoKind.MOTION, P)
                        .then(8, VideoKind.MOTION, AudioContent.QUIET)
                        .then(3, VideoKind.MOTION, P));
        hardNegative(
                e,
                "hn-loud-legal-tone",
                0,
                c -> c.then(3, VideoKind.MOTION, P)
                        .then(11, VideoKind.MOTION, AudioContent.tone1k(legalTone))
                        .then(3, VideoKind.MOTION, P));
        hardNegative(
                e,
                "hn-loud-legal-programme",
                1,
                c -> c.then(3, VideoKind.PHOTO_PAN, P)
                        .then(13, VideoKind.SCENE_CUTS, AudioContent.programme(loudLegalGain))
                        .then(3, VideoKind.MOTION, P));
        hardNegative(e, "hn-sync-in-sync", 0, c -> c.then(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0)));
        // Shifts inside BT.1359's acceptability, from the detectable (+60 / -40 ms) to near the bound.
        double[][] withinTolerance = {{60, 1}, {-40, 0}, {130, 3}, {-65, 2}};
        for (double[] shift : withinTolerance) {
            String name = String.format(Locale.ROOT, "hn-sync%+d", (int) shift[0]);
            hardNegative(e, name, (int) shift[1], c -> {
                c.then(3, VideoKind.MOTION, P).then(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0));
                c.shiftAudio(5, 12, shift[0]);
            });
        }
        // Programme that pairs picture changes with sound onsets by chance: cuts and pans on music, the sound cutting
        // to silence and back at the picture's changes (issue 9's false alarm came from such a programme). The
        // silences are long enough to be found (they are AUDIO_SILENCE truth); no A/V sync offset may be raised.
        hardNegative(e, "hn-sync-silence-edges", 1, c -> {
            for (int i = 0; i < 2; i++) {
                c.then(3, VideoKind.PHOTO_PAN, P)
                        .then(3 + 0.4 * i, VideoKind.PHOTO_PAN, AudioContent.SILENCE)
                        .then(3, VideoKind.SCENE_CUTS, P)
                        .then(3.2 + 0.4 * i, VideoKind.SCENE_CUTS, AudioContent.SILENCE);
            }
            c.then(3, VideoKind.PHOTO_PAN, P);
        });
        // Offsets in the content itself, just inside BT.1359's acceptability on either side.
        for (double[] offset : new double[][] {{180, 0}, {-85, 3}}) {
            String name = String.format(Locale.ROOT, "hn-sync-content%+d", (int) offset[0]);
            hardNegative(
                    e,
                    name,
                    (int) offset[1],
                    c -> c.then(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(offset[0])));
        }
        issue9HardNegatives(
                e,
                CorpusFormat.ALL.get(0),
                CorpusFormat.ALL.get(1),
                CorpusFormat.ALL.get(2),
                CorpusFormat.H264_LONG_GOP);
    }

    /**
     * Issue 9's hard negatives: sparse sounds over digital zeros (a line-up beep, a ticking clock), cuts on music, and
     * a static shot under a 10 s GOP at a low rate, each in the format given.
     */
    private void issue9HardNegatives(
            List<Entry> e, CorpusFormat lineUp, CorpusFormat ticking, CorpusFormat cuts, CorpusFormat still) {
        // Sparse sounds over digital zeros (issue 9): silence ends at the first sound, so neither is AUDIO_SILENCE.
        // A line-up beep under EBU bars, as a line-up is aired (the bars are COLOR_BARS truth) ...
        hardNegative(
                e,
                "hn-lineup-beeps",
                lineUp,
                c -> c.then(3, VideoKind.MOTION, P)
                        .then(12, VideoKind.COLOR_BARS_EBU, AudioContent.LINEUP_BEEPS)
                        .then(3, VideoKind.MOTION, P));
        // ... and a clock ticking in a quiet still scene.
        hardNegative(
                e,
                "hn-ticking",
                ticking,
                c -> c.then(3, VideoKind.PHOTO_PAN, P)
                        .then(12, VideoKind.STATIC_NOISE, AudioContent.TICKING)
                        .then(2, VideoKind.PHOTO_PAN, P));
        // Cuts on music: shots of 1 to 2 s in steps of 0.5 s, so every change of shot lands on a note of the
        // programme (a note starts every 0.5 s of media time), besides SCENE_CUTS' own cuts inside a shot.
        hardNegative(e, "hn-sync-cuts-on-music", cuts, c -> {
            while (c.now() < 16) {
                c.then(0.5 * c.between(2, 4), c.pick(List.of(VideoKind.SCENE_CUTS, VideoKind.PHOTO_PAN)), P);
            }
        });
        // A static shot under a 10 s GOP at a low rate: between key frames the encoder codes the noise away,
        // so the picture barely changes; it must not read as frozen.
        hardNegative(e, "hn-static-long-gop", still, DebianArm::staticShot);
    }

    /**
     * The Debian arm's two halves. The split is by encoder setting, format and seed: no format, GOP, rate or seed of
     * one half is in the other. Each half has x264 (High, B-frames, CABAC), x265 and interlaced video, 1080 lines,
     * and mono and 5.1 sound in MP2, AC-3, AAC or SMPTE 302M PCM.
     */
    private static final class DebianArm {
        private static final String X264 = ClipSpec.X264;
        private static final String X265 = ClipSpec.X265;
        private static final String MPEG2 = ClipSpec.MPEG2;

        /** 540p25 x264, 576i25 MPEG-2 (top field first), 720p25 x265 and 1080p50 x264; GOPs of 0.5 to 5 s. */
        static final Arm DEVELOPMENT = new Arm(
                Half.DEBIAN_DEVELOPMENT,
                "ffd-",
                100_000,
                List.of(
                        CorpusFormat.debian(X264, 960, 540, 25, 50, 2_500_000),
                        CorpusFormat.debian(MPEG2, 720, 576, 25, 12, 5_000_000)
                                .interlaced(FieldOrder.TOP_FIRST)
                                .sound("mp2", 2),
                        CorpusFormat.debian(X265, 1280, 720, 25, 125, 2_000_000).sound("ac3", 6),
                        CorpusFormat.debian(X264, 1920, 1080, 50, 100, 8_000_000)),
                List.of(
                        CorpusFormat.debian(X264, 640, 360, 25, 50, 1_000_000),
                        CorpusFormat.debian(MPEG2, 720, 576, 25, 12, 5_000_000)
                                .interlaced(FieldOrder.TOP_FIRST)
                                .sound("mp2", 2),
                        CorpusFormat.debian(X265, 640, 360, 25, 125, 600_000).sound("ac3", 6)),
                List.of(
                        CorpusFormat.debian(X264, 960, 540, 25, 50, 2_500_000),
                        CorpusFormat.debian(MPEG2, 720, 576, 25, 12, 5_000_000)
                                .interlaced(FieldOrder.TOP_FIRST)
                                .sound("mp2", 2),
                        CorpusFormat.debian(X264, 1920, 1080, 50, 100, 8_000_000)),
                recordedProgramme(DebianRecordings.DEVELOPMENT_MUSIC, DebianRecordings.DEVELOPMENT_SPEECH));

        /**
         * 720p50 x264 (5 s GOP, AC-3 5.1), 1080i25 MPEG-2 (bottom field first, SMPTE 302M), 540p25 x265 (10 s GOP,
         * mono) and 576i25 x264 (top field first, MP2 mono).
         */
        static final Arm HELD_OUT = new Arm(
                Half.DEBIAN_HELD_OUT,
                "ffh-",
                200_000,
                List.of(
                        CorpusFormat.debian(X264, 1280, 720, 50, 250, 3_000_000).sound("ac3", 6),
                        CorpusFormat.debian(MPEG2, 1920, 1080, 25, 15, 15_000_000)
                                .interlaced(FieldOrder.BOTTOM_FIRST)
                                .sound("s302m", 2),
                        CorpusFormat.debian(X265, 960, 540, 25, 250, 1_000_000).sound("aac", 1),
                        CorpusFormat.debian(X264, 720, 576, 25, 100, 2_000_000)
                                .interlaced(FieldOrder.TOP_FIRST)
                                .sound("mp2", 1)),
                List.of(
                        CorpusFormat.debian(X264, 640, 360, 30, 300, 800_000).sound("s302m", 2),
                        CorpusFormat.debian(X265, 960, 540, 25, 250, 1_000_000).sound("aac", 1),
                        CorpusFormat.debian(MPEG2, 720, 576, 25, 12, 4_000_000)
                                .interlaced(FieldOrder.BOTTOM_FIRST)
                                .sound("ac3", 6)),
                List.of(
                        CorpusFormat.debian(X264, 1280, 720, 50, 250, 3_000_000).sound("ac3", 6),
                        CorpusFormat.debian(MPEG2, 1920, 1080, 25, 15, 15_000_000)
                                .interlaced(FieldOrder.BOTTOM_FIRST)
                                .sound("s302m", 2),
                        CorpusFormat.debian(X264, 720, 576, 25, 100, 2_000_000)
                                .interlaced(FieldOrder.TOP_FIRST)
                                .sound("mp2", 1)),
                recordedProgramme(DebianRecordings.HELD_OUT_MUSIC, DebianRecordings.HELD_OUT_SPEECH));

        /**
         * The half's programme: its music and its speech recordings in place of the synthesised programme, besides
         * the quiet passage and the programme a little up or down, as in the rest of the corpus.
         */
        private static List<AudioContent> recordedProgramme(int music, int speech) {
            return List.of(
                    AudioContent.recorded(music),
                    AudioContent.recorded(speech),
                    AudioContent.QUIET,
                    AudioContent.programme(2),
                    AudioContent.programme(-6));
        }

        /** Development's second static shot under a 10 s GOP: x265 at 1.5 Mb/s, a rate neither half has otherwise. */
        static final CorpusFormat X265_LONG_GOP = CorpusFormat.debian(X265, 1280, 720, 25, 250, 1_500_000);

        /** The held-out half's second static shot under a 10 s GOP: x264 at 720p25, 1.2 Mb/s, a format of no half. */
        static final CorpusFormat X264_LONG_GOP = CorpusFormat.debian(X264, 1280, 720, 25, 250, 1_200_000);

        /** Motion, then a static shot with sensor noise: not a freeze. */
        static void staticShot(ClipPlan c) {
            c.then(3, VideoKind.MOTION, P).then(13, VideoKind.STATIC_NOISE, P);
        }

        /** The half's x265 picture format (one element). */
        static List<CorpusFormat> x265(Arm arm) {
            return arm.picture().stream().filter(f -> X265.equals(f.codec())).toList();
        }

        /** The half's static shot under a 10 s GOP at a low rate: x264 in development, x265 held out. */
        static CorpusFormat longGop(Arm arm) {
            return arm == DEVELOPMENT
                    ? CorpusFormat.debian(X264, 960, 540, 25, 250, 800_000)
                    : CorpusFormat.debian(X265, 1280, 720, 25, 250, 1_000_000);
        }
    }

    /**
     * The hard negatives issue 9 names, in the Debian arm's current half: a static shot under a 10 s GOP, cuts on
     * music, the sync pattern in sync, and sparse sounds over digital zeros.
     */
    private void debianHardNegatives(List<Entry> e) {
        issue9HardNegatives(
                e, arm.sound().get(1), arm.sound().get(2), arm.picture().get(0), DebianArm.longGop(arm));
        // Recorded music and speech under cuts and pans: their onsets fall where they fall against the cuts.
        hardNegative(e, "hn-sync-cuts-on-recordings", arm.picture().get(2), c -> {
            for (AudioContent recording : arm.programmeSounds().subList(0, 2)) {
                c.then(6, VideoKind.SCENE_CUTS, recording).then(4, VideoKind.PHOTO_PAN, recording);
            }
        });
        for (CorpusFormat f : List.of(arm.sound().get(0), arm.sound().get(2))) {
            String name = String.format(Locale.ROOT, "hn-sync-in-sync-%s", f.audioCodec());
            hardNegative(e, name, f, c -> c.then(16, VideoKind.SYNC_FLASHES, AudioContent.syncBeeps(0)));
        }
    }

    private void hardNegative(List<Entry> e, String name, int format, Consumer<ClipPlan> content) {
        hardNegative(e, name, CorpusFormat.ALL.get(format), content);
    }

    private void hardNegative(List<Entry> e, String name, CorpusFormat format, Consumer<ClipPlan> content) {
        long seed =
                9000 + e.stream().filter(x -> HARD_NEGATIVE.equals(x.group())).count();
        ClipPlan c = new ClipPlan(format, arm.seedBase() + seed);
        content.accept(c);
        String named = arm.prefix() + name;
        e.add(new Entry(named, HARD_NEGATIVE, c.format, c.description(), c.spec(), SLICE.contains(named), arm.half()));
    }

    private static double tenth(double level) {
        return Math.round(level * 10) / 10.0;
    }

    /** One duration near {@code min} and one well above it, in a seeded order. */
    private static List<Double> nearAndAbove(
            ClipPlan c, double min, double nearFrom, double nearTo, double aboveFrom, double aboveTo) {
        double near = min + c.uniform(nearFrom, nearTo);
        double above = min + c.uniform(aboveFrom, aboveTo);
        return c.random.nextBoolean() ? List.of(near, above) : List.of(above, near);
    }

    /** Programme shots of 3-7 s until {@code until}; a last shot shorter than 1.5 s joins the one before. */
    private void programme(ClipPlan c, double until) {
        while (c.now() < until - 1e-9) {
            double seconds = c.uniform(3, 7);
            if (until - c.now() - seconds < 1.5) {
                seconds = until - c.now();
            }
            c.then(seconds, c.pick(PROGRAMME_PICTURES), programmeSound(c));
        }
    }

    /** Programme picture for 2-3.5 s, with programme sound. */
    private void lead(ClipPlan c, List<VideoKind> pictures) {
        c.then(c.uniform(2, 3.5), c.pick(pictures), programmeSound(c));
    }

    private AudioContent programmeSound(ClipPlan c) {
        return c.pick(arm.programmeSounds());
    }

    /**
     * Clip {@code index} of a class: its format round robin over {@code formats}, its seed from the arm, class and
     * index.
     */
    private ClipPlan plan(DefectType type, int index, List<CorpusFormat> formats) {
        // The Debian arm has a clip or two per class: its classes start at different formats, so every format is met.
        int slot = arm == TOOLCHAIN ? index : index + type.ordinal();
        return new ClipPlan(formats.get(slot % formats.size()), arm.seedBase() + 1000L * (type.ordinal() + 1) + index);
    }

    private static List<CorpusFormat> rotate(List<CorpusFormat> formats, int by) {
        List<CorpusFormat> rotated = new ArrayList<>(formats.subList(by, formats.size()));
        rotated.addAll(formats.subList(0, by));
        return rotated;
    }

    private void add(List<Entry> e, DefectType type, int index, ClipPlan c) {
        String name = String.format(Locale.ROOT, "%s%s-%02d", arm.prefix(), shortName(type), index + 1);
        e.add(new Entry(name, type.name(), c.format, c.description(), c.spec(), SLICE.contains(name), arm.half()));
    }

    private static String shortName(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES -> "black";
            case FROZEN_FRAMES -> "frozen";
            case COLOR_BARS -> "bars";
            case FRAME_DROP -> "drop";
            case BLOCK_CORRUPTION -> "block";
            case STREAM_STALL -> "stall";
            case AUDIO_SILENCE -> "silence";
            case AUDIO_CLIPPING -> "clipping";
            case AUDIO_CHANNEL_LOSS -> "chloss";
            case LOUDNESS_VIOLATION -> "loud";
            case AV_SYNC_OFFSET -> "sync";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Writes every clip into {@code dir}, {@code threads} at a time (encoding is single-threaded). */
    public List<Written> write(Path dir, int threads) throws Exception {
        return write(dir, threads, entry -> true);
    }

    /** Writes the entries {@code include} accepts: the test suite runs a slice of the corpus this way. */
    public List<Written> write(Path dir, int threads, Predicate<Entry> include) throws Exception {
        List<Entry> entries = entries().stream().filter(include).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            // Longest first, so the last clip does not leave one thread idle for long.
            List<Entry> order = entries.stream()
                    .sorted(Comparator.comparingDouble((Entry en) -> -cost(en)))
                    .toList();
            List<Future<Written>> futures = new ArrayList<>();
            for (Entry entry : order) {
                futures.add(pool.submit(() -> write(entry, dir)));
            }
            List<Written> out = new ArrayList<>();
            for (Future<Written> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException ex) {
                    throw new IOException("corpus clip could not be written: " + ex.getCause(), ex.getCause());
                }
            }
            out.sort(Comparator.comparingInt(w -> entries.indexOf(w.entry())));
            return out;
        } finally {
            pool.shutdown();
        }
    }

    /** Rough encoding cost: media seconds times pixels per second, H.264 about three times MPEG-2's. */
    private static double cost(Entry entry) {
        CorpusFormat f = entry.format();
        return entry.spec().durationSeconds()
                * f.width()
                * f.height()
                * f.fps()
                * (f.isH264() || f.debianFfmpeg() ? 3 : 1);
    }

    private Written write(Entry entry, Path dir) throws IOException {
        Path file = dir.resolve(entry.name() + ".ts");
        Clip clip = entry.format().debianFfmpeg()
                ? ClipWriter.write(entry.spec(), file, debian)
                : ClipWriter.write(entry.spec(), file);
        List<InjectedDefect> truth = new ArrayList<>(clip.truth());
        truth.addAll(loudnessTruth(clip));
        truth.sort(Comparator.comparingDouble(InjectedDefect::startSeconds));
        return new Written(entry, clip, truth);
    }

    /**
     * LOUDNESS_VIOLATION truth for tone and programme segments outside the bounds, unless testmedia gives its own.
     * The issue defines the defect as short-term (3 s) loudness outside the bounds for longer than the raise delay, so
     * a segment counts when the ideal short-term reading of the clip's nominal levels stays outside on its side for the
     * raise delay: a passage too quiet must outlast the raise delay by most of a window, since the window first has to
     * empty of the programme before it. The truth interval is the segment itself, where the fault is.
     */
    List<InjectedDefect> loudnessTruth(Clip clip) {
        if (clip.truth().stream().anyMatch(d -> d.defectType() == DefectType.LOUDNESS_VIOLATION)) {
            return List.of();
        }
        double min = minSeconds(DefectType.LOUDNESS_VIOLATION);
        double[] shortTerm = idealShortTermLufs(clip.segments());
        List<InjectedDefect> out = new ArrayList<>();
        for (TimedSegment s : clip.segments()) {
            double lufs = nominalLufs(s);
            boolean above = lufs > upperLufs;
            if (!above && !(lufs < lowerLufs)) {
                continue;
            }
            // The longest run of readings outside on this side that overlaps the segment.
            int first = (int) Math.round(s.startSeconds() * 10);
            int last = Math.min(shortTerm.length, (int) Math.round(s.endSeconds() * 10) + SHORT_TERM_BLOCKS);
            int longest = 0;
            int run = 0;
            for (int b = first; b < last; b++) {
                boolean outside = above ? shortTerm[b] > upperLufs : shortTerm[b] < lowerLufs;
                run = outside ? run + 1 : 0;
                longest = Math.max(longest, run);
            }
            if (longest / 10.0 >= min) {
                out.add(new InjectedDefect(DefectType.LOUDNESS_VIOLATION, s.startSeconds(), s.endSeconds(), null));
            }
        }
        return out;
    }

    /**
     * Per 100 ms block from the clip's start, the 3 s mean of the segments' nominal loudness (LUFS; NaN before 3 s).
     * A block that two segments share holds each one's power for its share of the block, as the meter's block does.
     */
    private static double[] idealShortTermLufs(List<TimedSegment> segments) {
        double end = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).endSeconds();
        int blocks = (int) Math.ceil(end * 10);
        double[] power = new double[blocks];
        for (TimedSegment s : segments) {
            double p = Math.pow(10, nominalLufs(s) / 10);
            for (int b = (int) Math.floor(s.startSeconds() * 10);
                    b < Math.min(blocks, Math.ceil(s.endSeconds() * 10));
                    b++) {
                double share = Math.min(b + 1, s.endSeconds() * 10) - Math.max(b, s.startSeconds() * 10);
                power[b] += p * Math.max(0, share);
            }
        }
        double[] shortTerm = new double[blocks];
        double sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += power[b] - (b >= SHORT_TERM_BLOCKS ? power[b - SHORT_TERM_BLOCKS] : 0);
            shortTerm[b] =
                    b + 1 >= SHORT_TERM_BLOCKS ? 10 * Math.log10(Math.max(sum, 1e-30) / SHORT_TERM_BLOCKS) : Double.NaN;
        }
        return shortTerm;
    }

    /** A segment's nominal loudness: a 1 kHz sine reads its peak level, programme -23 LUFS plus its gain. */
    private static double nominalLufs(TimedSegment s) {
        return switch (s.audio().kind()) {
            case TONE_1K -> s.audio().levelDbfs();
            case PROGRAMME_GAIN -> PROGRAMME_LUFS + s.audio().levelDbfs();
            case SILENCE -> -300;
            case QUIET -> QUIET_LUFS;
            // DebianRecordings levels every recording to -23 LUFS or a little under.
            case RECORDED -> PROGRAMME_LUFS;
            // A -6 dBFS sine 4% of the time; a -9 dBFS click decaying in 1 ms, once a second (K-weighted near 3 kHz).
            case LINEUP_BEEPS -> -20;
            case TICKING -> -42;
            default -> PROGRAMME_LUFS;
        };
    }

    private double minSeconds(DefectType type) {
        return profile.policy(type).minDuration().toMillis() / 1000.0;
    }
}
