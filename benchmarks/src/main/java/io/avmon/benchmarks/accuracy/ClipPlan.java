package io.avmon.benchmarks.accuracy;

import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.Segment;
import io.avmon.testmedia.VideoKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Lays out one corpus clip: segments one after another on a running clock, and injections at times on it, with the
 * seeded random draws that vary them. The description it keeps is what the report's corpus table shows.
 */
final class ClipPlan {
    final CorpusFormat format;
    final SplittableRandom random;
    private final ClipSpec.Builder builder;
    private final List<String> injections = new ArrayList<>();
    private double now;

    ClipPlan(CorpusFormat format, long seed) {
        this.format = format;
        this.random = new SplittableRandom(seed * 1_000_003L + 17);
        this.builder = format.builder(seed);
    }

    /** Media time where the next segment starts. */
    double now() {
        return now;
    }

    ClipPlan then(double seconds, VideoKind video, AudioContent audio) {
        builder.segment(seconds, video, audio);
        now += seconds;
        return this;
    }

    ClipPlan dropFrames(double atSeconds, int frames) {
        builder.dropFrames(atSeconds, frames);
        injections.add(String.format(Locale.ROOT, "drop %d@%.2fs", frames, atSeconds));
        return this;
    }

    ClipPlan damageBitstream(double atSeconds, double seconds) {
        builder.damageBitstream(atSeconds, seconds);
        injections.add(String.format(Locale.ROOT, "damage %.2fs@%.2fs", seconds, atSeconds));
        return this;
    }

    ClipPlan streamGap(double atSeconds, double seconds) {
        builder.streamGap(atSeconds, seconds);
        injections.add(String.format(Locale.ROOT, "gap %.2fs@%.2fs", seconds, atSeconds));
        return this;
    }

    ClipPlan shiftAudio(double atSeconds, double seconds, double offsetMs) {
        builder.shiftAudio(atSeconds, seconds, offsetMs);
        injections.add(
                String.format(Locale.ROOT, "audio %+.0f ms %.2f-%.2fs", offsetMs, atSeconds, atSeconds + seconds));
        return this;
    }

    double uniform(double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    int between(int from, int toInclusive) {
        return from + random.nextInt(toInclusive - from + 1);
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** Rounds a time up to the next regular key frame, so a cut from key frame to key frame starts where asked. */
    double nextKeyFrame(double seconds) {
        double gop = format.gopSeconds();
        return Math.ceil(seconds / gop - 1e-9) * gop;
    }

    ClipSpec spec() {
        return builder.build();
    }

    String description() {
        StringBuilder sb = new StringBuilder(format.label()).append(": ");
        List<Segment> segments = builder.build().segments();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            sb.append(i == 0 ? "" : " / ")
                    .append(String.format(Locale.ROOT, "%s+%s %.1fs", s.video(), s.audio(), s.durationSeconds()));
        }
        if (!injections.isEmpty()) {
            sb.append("; ").append(String.join(", ", injections));
        }
        return sb.toString();
    }
}
