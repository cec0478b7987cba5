package io.avmon.benchmarks.accuracy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.avmon.job.DetectionProfile;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.AudioKind;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.InjectedDefect;
import io.avmon.testmedia.Segment;
import io.avmon.testmedia.TimedSegment;
import io.avmon.testmedia.VideoKind;

/**
 * A deterministic fault-injection corpus written with testmedia: for every defect class testmedia can inject,
 * three clips (different seeds, lengths and surrounding content, one defect just above the class's minimum
 * duration), and hard-negative clips without truth. 640x360, 25 fps, stereo 48 kHz, MPEG-2/AAC in MPEG-TS
 * (testmedia's broadcast-like default). About 6 minutes in all (about 5.5 without the optional classes).
 *
 * <p>Truth is testmedia's own ({@link Clip#truth()}), with one addition made here: testmedia has no loudness
 * defect, so a {@link AudioKind#TONE_1K} segment whose level is above the profile's upper loudness bound and which
 * lasts at least the class's raise delay gets LOUDNESS_VIOLATION truth over the segment (a stereo 1 kHz sine with
 * its peak at L dBFS reads L LUFS). Classes testmedia adds later through builder methods
 * ({@code damageBitstream}, {@code streamGap}) are included when those methods exist.
 */
public final class AccuracyCorpus {

    /** One clip to write. {@code group}: the defect class it exercises, or "hard-negative". */
    public record Entry(String name, String group, String description, ClipSpec spec) {}

    /** A written clip with the truth it is scored against. */
    public record Written(Entry entry, Clip clip, List<InjectedDefect> truth) {
        public Scorer.ClipTruth toClipTruth() {
            return new Scorer.ClipTruth(entry.name(), entry.description(), clip.durationSeconds(), truth,
                    clip.segments(), "hard-negative".equals(entry.group()));
        }
    }

    public static final String HARD_NEGATIVE = "hard-negative";

    private static final AudioContent P = AudioContent.PROGRAMME;

    private final DetectionProfile profile;
    private final List<String> notes = new ArrayList<>();

    public AccuracyCorpus(DetectionProfile profile) {
        this.profile = profile;
    }

    /** What could not be included (e.g. a VideoKind or builder method this testmedia lacks). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public List<Entry> entries() {
        List<Entry> e = new ArrayList<>();
        double blackMin = minSeconds(DefectType.BLACK_FRAMES);
        double frozenMin = minSeconds(DefectType.FROZEN_FRAMES);
        double barsMin = minSeconds(DefectType.COLOR_BARS);
        double silenceMin = minSeconds(DefectType.AUDIO_SILENCE);
        double clipMin = minSeconds(DefectType.AUDIO_CLIPPING);
        double lossMin = minSeconds(DefectType.AUDIO_CHANNEL_LOSS);
        double loudMin = minSeconds(DefectType.LOUDNESS_VIOLATION);

        // BLACK_FRAMES
        e.add(entry("black-1", "BLACK_FRAMES", 101, b -> b
                .segment(3, VideoKind.MOTION, P).segment(blackMin + 0.3, VideoKind.BLACK, P).segment(3, VideoKind.MOTION, P)));
        e.add(entry("black-2", "BLACK_FRAMES", 102, b -> b
                .segment(4, VideoKind.SCENE_CUTS, P).segment(6, VideoKind.BLACK, AudioContent.SILENCE)
                .segment(4, VideoKind.DARK_SCENE, P)));
        e.add(entry("black-3", "BLACK_FRAMES", 103, b -> b
                .segment(3, VideoKind.LETTERBOX, P).segment(7, VideoKind.BLACK, P).segment(3, VideoKind.STATIC_NOISE, P)));
        // FROZEN_FRAMES
        e.add(entry("frozen-1", "FROZEN_FRAMES", 201, b -> b
                .segment(3, VideoKind.MOTION, P).segment(frozenMin + 0.3, VideoKind.FROZEN, P).segment(3, VideoKind.MOTION, P)));
        e.add(entry("frozen-2", "FROZEN_FRAMES", 202, b -> b
                .segment(4, VideoKind.SCENE_CUTS, P).segment(5, VideoKind.FROZEN, P).segment(3, VideoKind.LETTERBOX, P)));
        e.add(entry("frozen-3", "FROZEN_FRAMES", 203, b -> b
                .segment(3, VideoKind.DARK_SCENE, P).segment(6, VideoKind.FROZEN, P).segment(3, VideoKind.STATIC_NOISE, P)));
        // COLOR_BARS
        e.add(entry("bars-1", "COLOR_BARS", 301, b -> b
                .segment(3, VideoKind.MOTION, P).segment(barsMin + 0.3, VideoKind.COLOR_BARS, P).segment(3, VideoKind.MOTION, P)));
        e.add(entry("bars-2", "COLOR_BARS", 302, b -> b
                .segment(3, VideoKind.SCENE_CUTS, P).segment(6, VideoKind.COLOR_BARS_EBU, AudioContent.tone1k(-20))
                .segment(3, VideoKind.MOTION, P)));
        e.add(entry("bars-3", "COLOR_BARS", 303, b -> b
                .segment(3, VideoKind.LETTERBOX, P).segment(6, VideoKind.COLOR_BARS, P).segment(3, VideoKind.DARK_SCENE, P)));
        // FRAME_DROP (an instant; drops more than the 1 s hold-off apart)
        e.add(entry("drop-1", "FRAME_DROP", 401, b -> b
                .segment(10, VideoKind.MOTION, P).dropFrames(2.0, 1).dropFrames(6.0, 3)));
        e.add(entry("drop-2", "FRAME_DROP", 402, b -> b
                .segment(9, VideoKind.SCENE_CUTS, P).dropFrames(4.52, 2)));
        e.add(entry("drop-3", "FRAME_DROP", 403, b -> b
                .segment(4, VideoKind.LETTERBOX, P).segment(5, VideoKind.STATIC_NOISE, P)
                .dropFrames(2.0, 1).dropFrames(6.52, 6)));
        // AUDIO_SILENCE
        e.add(entry("silence-1", "AUDIO_SILENCE", 501, b -> b
                .segment(3, VideoKind.MOTION, P).segment(silenceMin + 0.3, VideoKind.MOTION, AudioContent.SILENCE)
                .segment(3, VideoKind.MOTION, P)));
        e.add(entry("silence-2", "AUDIO_SILENCE", 502, b -> b
                .segment(3, VideoKind.SCENE_CUTS, AudioContent.QUIET).segment(5, VideoKind.SCENE_CUTS, AudioContent.SILENCE)
                .segment(3, VideoKind.SCENE_CUTS, AudioContent.QUIET)));
        e.add(entry("silence-3", "AUDIO_SILENCE", 503, b -> b
                .segment(3, VideoKind.DARK_SCENE, P).segment(6, VideoKind.DARK_SCENE, AudioContent.SILENCE)
                .segment(3, VideoKind.DARK_SCENE, P)));
        // AUDIO_CLIPPING (kept under the loudness raise delay: a long clipped passage is also too loud)
        e.add(entry("clipping-1", "AUDIO_CLIPPING", 601, b -> b
                .segment(3, VideoKind.MOTION, P).segment(clipMin + 0.2, VideoKind.MOTION, AudioContent.CLIPPED)
                .segment(3, VideoKind.MOTION, P)));
        e.add(entry("clipping-2", "AUDIO_CLIPPING", 602, b -> b
                .segment(3, VideoKind.SCENE_CUTS, P).segment(3, VideoKind.SCENE_CUTS, AudioContent.CLIPPED)
                .segment(3, VideoKind.SCENE_CUTS, P)));
        e.add(entry("clipping-3", "AUDIO_CLIPPING", 603, b -> b
                .segment(3, VideoKind.STATIC_NOISE, P).segment(6, VideoKind.STATIC_NOISE, AudioContent.CLIPPED)
                .segment(3, VideoKind.STATIC_NOISE, P)));
        // AUDIO_CHANNEL_LOSS (the last channel dies)
        e.add(entry("chloss-1", "AUDIO_CHANNEL_LOSS", 701, b -> b
                .segment(3, VideoKind.MOTION, P).segment(lossMin + 0.3, VideoKind.MOTION, AudioContent.DEAD_CHANNEL)
                .segment(3, VideoKind.MOTION, P)));
        e.add(entry("chloss-2", "AUDIO_CHANNEL_LOSS", 702, b -> b
                .segment(3, VideoKind.LETTERBOX, P).segment(5, VideoKind.LETTERBOX, AudioContent.DEAD_CHANNEL)
                .segment(3, VideoKind.LETTERBOX, P)));
        e.add(entry("chloss-3", "AUDIO_CHANNEL_LOSS", 703, b -> b
                .segment(3, VideoKind.MOTION, AudioContent.QUIET).segment(6, VideoKind.MOTION, AudioContent.DEAD_CHANNEL)
                .segment(3, VideoKind.MOTION, P)));
        // LOUDNESS_VIOLATION (harness truth: loud 1 kHz tone held past the raise delay)
        e.add(entry("loud-1", "LOUDNESS_VIOLATION", 801, b -> b
                .segment(3, VideoKind.MOTION, P).segment(loudMin + 1, VideoKind.MOTION, AudioContent.tone1k(-10))
                .segment(3, VideoKind.MOTION, P)));
        e.add(entry("loud-2", "LOUDNESS_VIOLATION", 802, b -> b
                .segment(3, VideoKind.SCENE_CUTS, P).segment(12, VideoKind.SCENE_CUTS, AudioContent.tone1k(-6))
                .segment(3, VideoKind.SCENE_CUTS, P)));

        // Classes testmedia gained after this harness was written, when its builder offers them.
        optional(e, "damageBitstream", "block-1", "BLOCK_CORRUPTION", 1001, VideoKind.MOTION, 8, 3.0, 2.0);
        optional(e, "damageBitstream", "block-2", "BLOCK_CORRUPTION", 1002, VideoKind.SCENE_CUTS, 8, 2.5, 4.0);
        optional(e, "streamGap", "stall-1", "STREAM_STALL", 1101, VideoKind.MOTION, 8, 3.0, 2.0);
        optional(e, "streamGap", "stall-2", "STREAM_STALL", 1102, VideoKind.LETTERBOX, 8, 2.5, 4.0);

        // Hard negatives: no truth.
        e.add(entry("hn-dip", HARD_NEGATIVE, 901, b -> b
                .segment(3, VideoKind.MOTION, P).segment(2, VideoKind.DIP_TO_BLACK, P).segment(3, VideoKind.MOTION, P)
                .segment(2.5, VideoKind.DIP_TO_BLACK, P).segment(2, VideoKind.MOTION, P)));
        e.add(entry("hn-dark", HARD_NEGATIVE, 902, b -> b.segment(7, VideoKind.DARK_SCENE, P)));
        e.add(entry("hn-letterbox", HARD_NEGATIVE, 903, b -> b.segment(7, VideoKind.LETTERBOX, P)));
        e.add(entry("hn-static", HARD_NEGATIVE, 904, b -> b.segment(7, VideoKind.STATIC_NOISE, P)));
        e.add(entry("hn-cuts", HARD_NEGATIVE, 905, b -> b.segment(7, VideoKind.SCENE_CUTS, P)));
        e.add(entry("hn-quiet", HARD_NEGATIVE, 906, b -> b
                .segment(3, VideoKind.MOTION, P).segment(8, VideoKind.MOTION, AudioContent.QUIET).segment(3, VideoKind.MOTION, P)));
        VideoKind rainbow = videoKind("RAINBOW_SLIDE");
        if (rainbow != null) {
            e.add(entry("hn-rainbow", HARD_NEGATIVE, 907, b -> b
                    .segment(2, VideoKind.MOTION, P).segment(8, rainbow, P).segment(2, VideoKind.MOTION, P)));
        } else {
            notes.add("VideoKind.RAINBOW_SLIDE does not exist in this testmedia: no rainbow-slide hard negative");
        }
        double legal = profile.loudness().targetLufs() + profile.loudness().maxAboveTargetLu() - 1.0;
        e.add(entry("hn-loud-legal", HARD_NEGATIVE, 908, b -> b
                .segment(3, VideoKind.MOTION, P).segment(11, VideoKind.MOTION, AudioContent.tone1k(legal))
                .segment(3, VideoKind.MOTION, P)));
        return e;
    }

    /** Writes every clip into {@code dir}, two at a time (encoding is single-threaded). */
    public List<Written> write(Path dir, int threads) throws Exception {
        return write(dir, threads, entry -> true);
    }

    /** Writes the entries {@code include} accepts: the test suite runs a slice of the corpus this way. */
    public List<Written> write(Path dir, int threads, java.util.function.Predicate<Entry> include) throws Exception {
        List<Entry> entries = entries().stream().filter(include).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Written>> futures = new ArrayList<>();
            for (Entry entry : entries) {
                futures.add(pool.submit(() -> write(entry, dir)));
            }
            List<Written> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (java.util.concurrent.ExecutionException ex) {
                    Entry entry = entries.get(i);
                    if (entry.group().equals(HARD_NEGATIVE) || isCoreClass(entry.group())) {
                        throw ex;
                    }
                    notes.add(entry.name() + " (" + entry.group() + ") could not be written and was left out: "
                            + ex.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private Written write(Entry entry, Path dir) throws IOException {
        Clip clip = ClipWriter.write(entry.spec(), dir.resolve(entry.name() + ".ts"));
        List<InjectedDefect> truth = new ArrayList<>(clip.truth());
        truth.addAll(loudnessTruth(clip));
        truth.sort(java.util.Comparator.comparingDouble(InjectedDefect::startSeconds));
        return new Written(entry, clip, truth);
    }

    /** LOUDNESS_VIOLATION truth for loud tone segments, unless testmedia already gives loudness truth. */
    List<InjectedDefect> loudnessTruth(Clip clip) {
        if (clip.truth().stream().anyMatch(d -> d.defectType() == DefectType.LOUDNESS_VIOLATION)) {
            return List.of();
        }
        double upper = profile.loudness().targetLufs() + profile.loudness().maxAboveTargetLu();
        double lower = profile.loudness().targetLufs() - profile.loudness().maxBelowTargetLu();
        double min = minSeconds(DefectType.LOUDNESS_VIOLATION);
        List<InjectedDefect> out = new ArrayList<>();
        for (TimedSegment s : clip.segments()) {
            if (s.audio().kind() == AudioKind.TONE_1K && (s.audio().levelDbfs() > upper || s.audio().levelDbfs() < lower)
                    && s.endSeconds() - s.startSeconds() >= min) {
                out.add(new InjectedDefect(DefectType.LOUDNESS_VIOLATION, s.startSeconds(), s.endSeconds(), null));
            }
        }
        return out;
    }

    /** One line per clip, for the report. */
    public static String describe(ClipSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (Segment s : spec.segments()) {
            if (sb.length() > 0) {
                sb.append(" / ");
            }
            sb.append(String.format(Locale.ROOT, "%s+%s %.1fs", s.video(), s.audio(), s.durationSeconds()));
        }
        if (!spec.frameDrops().isEmpty()) {
            sb.append("; drops ").append(spec.frameDrops().stream()
                    .map(d -> String.format(Locale.ROOT, "%d@%.2fs", d.frames(), d.atSeconds())).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }

    private Entry entry(String name, String group, long seed, UnaryOperator<ClipSpec.Builder> content) {
        ClipSpec spec = content.apply(ClipSpec.builder().size(640, 360).fps(25).channels(2).seed(seed)).build();
        return new Entry(name, group, describe(spec), spec);
    }

    private void optional(List<Entry> e, String method, String name, String group, long seed, VideoKind video,
                          double seconds, double at, double duration) {
        try {
            DefectType.valueOf(group);
            ClipSpec.Builder b = ClipSpec.builder().size(640, 360).fps(25).channels(2).seed(seed).segment(seconds, video, P);
            Method m = ClipSpec.Builder.class.getMethod(method, double.class, double.class);
            m.invoke(b, at, duration);
            ClipSpec spec = b.build();
            e.add(new Entry(name, group, describe(spec) + String.format(Locale.ROOT, "; %s(%.1f s, %.1f s)", method, at,
                    duration), spec));
        } catch (NoSuchMethodException | IllegalArgumentException ex) {
            notes.add(group + ": testmedia has no ClipSpec.Builder." + method + "; not in the corpus");
        } catch (ReflectiveOperationException ex) {
            notes.add(group + ": ClipSpec.Builder." + method + " failed (" + ex.getCause() + "); not in the corpus");
        }
    }

    private static boolean isCoreClass(String group) {
        return switch (group) {
            case "BLACK_FRAMES", "FROZEN_FRAMES", "COLOR_BARS", "FRAME_DROP", "AUDIO_SILENCE", "AUDIO_CLIPPING",
                 "AUDIO_CHANNEL_LOSS", "LOUDNESS_VIOLATION" -> true;
            default -> false;
        };
    }

    private static VideoKind videoKind(String name) {
        for (VideoKind k : VideoKind.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private double minSeconds(DefectType type) {
        return profile.policy(type).minDuration().toMillis() / 1000.0;
    }
}
