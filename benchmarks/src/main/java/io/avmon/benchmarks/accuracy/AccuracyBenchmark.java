package io.avmon.benchmarks.accuracy;

import com.sun.management.OperatingSystemMXBean;
import io.avmon.cli.analyze.OfflineAnalysis;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.defect.DefectKind;
import io.avmon.job.detect.LoudnessDetector;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.PhotoLibrary;
import io.avmon.testmedia.RecordingLibrary;
import io.avmon.testmedia.TimedSegment;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Detection accuracy of the production detector graph on the {@link AccuracyCorpus}: writes the corpus, runs
 * {@link OfflineAnalysis} over every file in one job (parallel splits), scores with {@link Scorer} and prints a
 * markdown report, also written to {@code benchmarks/results/accuracy.md} (or {@code -Dout=FILE}).
 *
 * <p>Usage: {@code AccuracyBenchmark [corpus-dir]} (default: a fresh temp dir). {@code -Dtolerance=S} sets the
 * onset tolerance for pairing a report with truth (default 2 s). Targets, per class: F1 >= 0.95, no false
 * positive on a hard negative, max onset error <= 0.5 s.
 */
public final class AccuracyBenchmark {

    static final double TARGET_F1 = 0.95;
    static final double TARGET_ONSET_S = 0.5;

    public static void main(String[] args) throws Exception {
        double tolerance = Double.parseDouble(System.getProperty("tolerance", "2.0"));
        Path out = Path.of(System.getProperty("out", "benchmarks/results/accuracy.md"));
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("avmon-accuracy");
        Files.createDirectories(dir);
        DetectionProfile profile = DefectKind.defaultProfile();
        Optional<DebianFfmpeg> debian = DebianFfmpeg.find();
        AccuracyCorpus corpus = new AccuracyCorpus(profile, debian.orElse(null));
        List<String> debianNotes = new ArrayList<>();
        if (debian.isPresent()) {
            debianNotes.add("Debian arm encoded with " + debian.get().version() + ".");
            Path recordings = dir.resolve("recordings");
            try {
                DebianRecordings.prepare(debian.get(), recordings)
                        .forEach(line -> debianNotes.add("Recording " + line + "."));
                System.setProperty(RecordingLibrary.DIRECTORY_PROPERTY, recordings.toString());
            } catch (IOException e) {
                debianNotes.add("**No recordings** ("
                        + e.getMessage().lines().findFirst().orElse("")
                        + "): RECORDED played the synthesised programme.");
            }
        }

        long t0 = System.nanoTime();
        // -Dclips=REGEX writes and scores only the clips it names: for diagnosing a few clips, never for the report.
        Pattern only = Pattern.compile(System.getProperty("clips", ".*"));
        List<AccuracyCorpus.Written> clips = corpus.write(
                dir,
                Runtime.getRuntime().availableProcessors(),
                entry -> only.matcher(entry.name()).matches());
        long t1 = System.nanoTime();
        double mediaSeconds =
                clips.stream().mapToDouble(c -> c.clip().durationSeconds()).sum();
        System.err.printf(
                Locale.ROOT,
                "corpus: %d clips, %.1f s of media in %s, written in %.1f s%n",
                clips.size(),
                mediaSeconds,
                dir,
                (t1 - t0) / 1e9);

        AccuracyRun.Outcome outcome = AccuracyRun.analyseAndScore(profile, clips, tolerance);
        Scorer.Result result = outcome.result();
        List<String> failures = outcome.failures();
        List<DefectEvent> events = outcome.events();
        long t2 = t1 + Math.round(outcome.analysisSeconds() * 1e9);
        System.err.printf(Locale.ROOT, "analysis: %d events in %.1f s%n", events.size(), outcome.analysisSeconds());

        Map<AccuracyCorpus.Half, Scorer.Result> halves = new EnumMap<>(AccuracyCorpus.Half.class);
        for (AccuracyCorpus.Half half : AccuracyCorpus.Half.values()) {
            List<AccuracyCorpus.Written> ofHalf =
                    clips.stream().filter(w -> w.entry().half() == half).toList();
            if (!ofHalf.isEmpty()) {
                halves.put(half, AccuracyRun.score(profile, ofHalf, events, tolerance));
            }
        }
        String report = render(
                profile,
                corpus,
                clips,
                result,
                halves,
                debianNotes,
                tolerance,
                dir,
                mediaSeconds,
                (t1 - t0) / 1e9,
                (t2 - t1) / 1e9,
                events.size(),
                failures);
        System.out.println(report);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        System.err.println("written to " + out.toAbsolutePath());
    }

    static String render(
            DetectionProfile profile,
            AccuracyCorpus corpus,
            List<AccuracyCorpus.Written> clips,
            Scorer.Result r,
            Map<AccuracyCorpus.Half, Scorer.Result> halves,
            List<String> debianNotes,
            double tolerance,
            Path dir,
            double mediaSeconds,
            double writeSeconds,
            double analysisSeconds,
            int eventCount,
            List<String> failures) {
        StringBuilder md = new StringBuilder();
        md.append("# Detection accuracy\n\n");
        md.append("Machine: ").append(machine()).append(".  \n");
        md.append("Code: ").append(provenance()).append(".  \n");
        md.append("Date: ")
                .append(LocalDate.now())
                .append(". Command (from the repository root, after `mvn -B -q -o -DskipTests install`):\n\n");
        md.append(
                        "```sh\njava $(cat cli/target/launcher/jvm-options.txt) -Dlog4j2.configurationFile=log4j2-avmon.xml \\\n")
                .append("  -cp \"benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)\" \\\n")
                .append("  io.avmon.benchmarks.accuracy.AccuracyBenchmark [corpus-dir]\n```\n\n");
        long defects = r.matches().size() + r.misses().size();
        md.append(String.format(
                Locale.ROOT,
                "Corpus: %d clips (%d hard-negative), %.1f s (%.1f min) of media, %d injected defects after merging, written "
                        + "in %.1f s on %d threads. Photographs: %s. Analysis: one `OfflineAnalysis` run "
                        + "(`DefectKind.defaultProfile()`, parallelism %d) over all files, %d defect events, %.1f s "
                        + "(%.1fx real time).%n%n",
                clips.size(),
                clips.stream()
                        .filter(w ->
                                AccuracyCorpus.HARD_NEGATIVE.equals(w.entry().group()))
                        .count(),
                mediaSeconds,
                mediaSeconds / 60,
                defects,
                writeSeconds,
                Runtime.getRuntime().availableProcessors(),
                PhotoLibrary.describe(),
                Math.min(clips.size(), Runtime.getRuntime().availableProcessors()),
                eventCount,
                analysisSeconds,
                mediaSeconds / analysisSeconds));
        md.append(String.format(
                Locale.ROOT,
                "Scoring (`Scorer`): final state per eventId; a report pairs with truth of the same class (and the same "
                        + "channel where the truth names one) when its onset is within %.1f s of the truth's (AV_SYNC_OFFSET, "
                        + "estimated over several flash-beep pairs, and LOUDNESS_VIOLATION, measured over a 3 s window: "
                        + "when its onset lies anywhere in the truth, widened by the same %.1f s; the onset error is still "
                        + "measured from the truth's start); "
                        + "an A/V sync offset's truth starts where a monitor can first know of it: at the first moved audio "
                        + "timestamp, or, for an offset in the sound itself or one the stream has had from its first packet, "
                        + "at the first flash-and-beep pair under it (between the pattern's events nothing lines up, so "
                        + "nothing can show an offset); "
                        + "pairs are assigned one-to-one by largest overlap, then smallest onset error. Truth entries of a class "
                        + "closer together than the class's recovery hold-off are scored as one defect (the detector cannot "
                        + "separate them). A report still open at the end of its clip runs to the clip's end. Onset/end errors "
                        + "are report minus truth over true positives. **Targets per class:** F1 >= %.2f, no false positive "
                        + "on a hard negative, max |onset error| <= %.1f s. \"FP on hard neg\" counts false positives in "
                        + "hard-negative clips or overlapping a hard-negative segment (dip to black, fade through black, dark "
                        + "scene, letterbox, static noise, scene cuts, rainbow slide, quiet passage, sync pattern in sync or "
                        + "within BT.1359's acceptability) in any clip.%n%n",
                tolerance,
                tolerance,
                TARGET_F1,
                TARGET_ONSET_S));

        md.append("## Read this first\n\n");
        md.append(readThisFirst(profile, r));

        md.append("\n## Per class\n\n");
        md.append(SPLIT);
        if (debianNotes.isEmpty()) {
            md.append("**The Debian ffmpeg arm was skipped: no Debian `ffmpeg` at /usr/bin/ffmpeg on this machine.** "
                    + "Only the test toolchain's corpus is scored.\n\n");
        } else {
            debianNotes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        for (Map.Entry<AccuracyCorpus.Half, Scorer.Result> half : halves.entrySet()) {
            md.append("### ").append(half.getKey().label()).append("\n\n");
            appendPerClass(md, profile, half.getValue());
        }
        if (halves.size() > 1) {
            md.append("### Every clip\n\n");
            appendPerClass(md, profile, r);
        }

        md.append("## Per format\n\n");
        appendPerFormat(md, clips, r);

        md.append("\n## False positives on hard negatives\n\n");
        appendFps(md, r.hardNegativeFalsePositives());
        md.append("\n## Other false positives\n\n");
        appendFps(
                md,
                r.falsePositives().stream()
                        .filter(f -> !(f.onHardNegative() || f.inHardNegativeClip()))
                        .toList());
        md.append("\n## Missed (false negatives)\n\n");
        if (r.misses().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| clip | class | truth | channel | clip content |\n|---|---|---|---|---|\n");
            for (Scorer.Miss m : r.misses()) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s |%n",
                        m.streamId(),
                        m.truth().defectType(),
                        span(m.truth().startSeconds(), m.truth().endSeconds()),
                        ch(m.truth().channel()),
                        m.context()));
            }
        }
        md.append("\n## True positives\n\n<details><summary>")
                .append(r.matches().size())
                .append(
                        " true positives</summary>\n\n| clip | class | truth | reported | onset err | end err |\n|---|---|---|---|---|---|\n");
        r.matches().stream()
                .sorted(Comparator.comparing((Scorer.Match m) -> m.truth().defectType())
                        .thenComparing(Scorer.Match::streamId)
                        .thenComparingDouble(m -> m.truth().startSeconds()))
                .forEach(m -> md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s |%n",
                        m.streamId(),
                        m.truth().defectType(),
                        span(m.truth().startSeconds(), m.truth().endSeconds()),
                        m.report().endSeconds() == null
                                ? String.format(
                                        Locale.ROOT, "%.3f-open", m.report().startSeconds())
                                : span(m.report().startSeconds(), m.report().endSeconds()),
                        signed(m.onsetError()),
                        signed(m.endError()))));
        md.append("\n</details>\n");

        md.append("\n## Corpus\n\n");
        md.append(
                "Deterministic (`AccuracyCorpus`, a seed per clip; every position, length, level, offset, content kind and "
                        + "format below is drawn from it). Stereo 48 kHz AAC 192 kb/s in MPEG-TS. Formats, round robin per class (the "
                        + "sound classes use the first four, up to 540p):\n\n");
        for (CorpusFormat f : CorpusFormat.ALL) {
            md.append("- ").append(f.label()).append('\n');
        }
        if (!debianNotes.isEmpty()) {
            md.append(
                    "\nThe Debian arm (clips named ffd- and ffh-) adds, per half, its own formats (below); its clips' "
                            + "content is written by testmedia to an intra-only MPEG-2 and PCM intermediate, re-encoded by Debian's "
                            + "ffmpeg keeping every timestamp, and its transport defects are then injected into ffmpeg's output, so "
                            + "the truth is exact as for the rest. Mono and 5.1 sound is levelled to the stereo loudness.\n\n");
            clips.stream()
                    .map(w -> w.entry().format())
                    .filter(CorpusFormat::debianFfmpeg)
                    .distinct()
                    .forEach(f -> md.append("- ").append(f.label()).append('\n'));
        }
        md.append("\nInjections: `damage` overwrites the slice data of every P/B picture in the stretch in the TS file "
                        + "(truth: to the next intra picture); `drop` leaves frames out at encoding, later frames keep their "
                        + "timestamps; `gap` cuts both tracks' packets from key frame to key frame; `audio` moves the audio packets' "
                        + "timestamps for the stretch. PHOTO_PAN: ")
                .append(PhotoLibrary.describe())
                .append(". Truth is "
                        + "testmedia's `Clip.truth()`; LOUDNESS_VIOLATION truth is added by the harness for 1 kHz tone and programme "
                        + String.format(
                                Locale.ROOT,
                                "segments outside the profile's bounds (%.0f / %.0f LUFS) held for at least the "
                                        + "raise delay (testmedia gives no loudness truth itself).%n%n",
                                loudness(profile).maxLufs(),
                                loudness(profile).minLufs()));
        md.append("<details><summary>").append(clips.size()).append(" clips</summary>\n\n");
        md.append(
                "| clip | group | duration | format: content (video+audio per segment); injections | truth |\n|---|---|---|---|---|\n");
        for (AccuracyCorpus.Written w : clips) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.1f s | %s | %s |%n",
                    w.entry().name(),
                    w.entry().group(),
                    w.clip().durationSeconds(),
                    w.entry().description(),
                    w.truth().isEmpty()
                            ? "-"
                            : w.truth().stream()
                                    .map(d -> d.defectType() + " " + span(d.startSeconds(), d.endSeconds())
                                            + (d.channel() == null ? "" : " ch" + d.channel()))
                                    .collect(Collectors.joining("; "))));
        }
        md.append("\n</details>\n");
        if (!failures.isEmpty()) {
            md.append("\nNotes:\n\n");
            failures.forEach(f -> md.append("- analysis failure: ").append(f).append('\n'));
        }
        return md.toString();
    }

    /** How the corpus is split into what may be tuned on and what may not, decided before the Debian arm was scored. */
    static final String SPLIT = """
            Three parts, reported separately. **Development:** the test toolchain's corpus (the detectors were developed
            on it) and the Debian arm's development half (clips `ffd-`); thresholds may be tuned on these. **Held out:**
            the Debian arm's other half (clips `ffh-`), which no threshold is tuned on. The halves share no encoder
            setting, format or seed: development has x264 540p25 (GOP 2 s) and 1080p50 (GOP 2 s), MPEG-2 576i top
            field first with MP2, x265 720p25 (GOP 5 s) with AC-3 5.1; held out has x264 720p50 (GOP 5 s) with AC-3
            5.1 and 576i top field first with MP2 mono, MPEG-2 1080i bottom field first with SMPTE 302M PCM, x265 540p25
            (GOP 10 s) with mono AAC. The "Every clip" table, the per-format table and the lists below cover all parts.

            """;

    /** Met, or which targets were missed. */
    static String verdict(DetectionProfile profile, Scorer.ClassScore c) {
        List<String> misses = missedTargets(c);
        boolean hasTruth = c.tp() + c.fn() > 0;
        return !profile.policy(c.type()).enabled()
                ? "not scored: detector disabled in defaults"
                : !hasTruth
                        ? "no truth in corpus (FP only)"
                        : misses.isEmpty() ? "**met**" : "**missed**: " + String.join(", ", misses);
    }

    static List<String> missedTargets(Scorer.ClassScore c) {
        List<String> misses = new ArrayList<>();
        if (!(c.f1() >= TARGET_F1)) {
            misses.add("F1");
        }
        if (c.hardNegativeFps() > 0) {
            misses.add("hard-neg FP");
        }
        if (c.tp() > 0 && c.maxAbsOnsetError() > TARGET_ONSET_S) {
            misses.add("onset");
        }
        return misses;
    }

    /** What the figures do and do not show: the targets missed on this run, then what the corpus still lacks. */
    static String readThisFirst(DetectionProfile profile, Scorer.Result r) {
        StringBuilder md = new StringBuilder();
        List<String> missed = new ArrayList<>();
        for (Scorer.ClassScore c : r.perClass().values()) {
            List<String> m = missedTargets(c);
            if (profile.policy(c.type()).enabled() && c.tp() + c.fn() > 0 && !m.isEmpty()) {
                missed.add(String.format(
                        Locale.ROOT,
                        "%s (%s: F1 %s, %d FN, %d FP, max |onset err| %s)",
                        c.type(),
                        String.join(", ", m),
                        f2(c.f1()),
                        c.fn(),
                        c.fp(),
                        s3(c.maxAbsOnsetError())));
            }
        }
        if (missed.isEmpty() && r.hardNegativeFalsePositives().isEmpty()) {
            md.append("On this corpus every class meets issue 3's targets and nothing fires on a hard negative.\n\n");
        } else {
            md.append("**Issue 3's targets are not met in every class on this corpus.** The misses are listed below, "
                    + "clip by clip, and left as they are for the detectors' owner:\n");
            missed.forEach(m -> md.append("- ").append(m).append('\n'));
            if (!r.hardNegativeFalsePositives().isEmpty()) {
                md.append("- ")
                        .append(r.hardNegativeFalsePositives().size())
                        .append(" false positive(s) on hard negatives\n");
            }
            md.append('\n');
        }
        boolean diagnosed = false;
        for (Scorer.ClassScore c : r.perClass().values()) {
            String why = DIAGNOSES.get(c.type());
            if (why != null && (c.fn() + c.fp() > 0 || !missedTargets(c).isEmpty())) {
                md.append(
                        diagnosed
                                ? ""
                                : "What is still missed or raised wrongly, and why, as diagnosed from the "
                                        + "converter's features on this corpus:\n");
                md.append(why);
                diagnosed = true;
            }
        }
        md.append(diagnosed ? "\n" : "");
        md.append(READ_THIS_FIRST);
        return md.toString();
    }

    /** Why a class still misses defects or raises false ones on this corpus, shown while it does. */
    static final Map<DefectType, String> DIAGNOSES = Map.of(DefectType.LOUDNESS_VIOLATION, """
            - **LOUDNESS_VIOLATION: a passage too quiet shows only once the short-term window has emptied of the
              programme before it**, about 3 s in, and is then dated from its momentary crossing; one whose short-term
              reading stays outside for barely the raise delay can fall a block short of it.
            """);

    /** The corpus's known limits, kept with the code that makes the corpus. */
    static final String READ_THIS_FIRST = """
            Still weak:
            - **Held out, not tuned on** (Debian arm, `ffh-` clips). Two held-out x265 clips showed flaws in the freeze
              detector, so they no longer count as unseen for FROZEN_FRAMES. The static shot ffh-hn-static-long-gop (raised
              10.06-14.18 s until git 76733f4): a key frame's 4 s wait ran out 1.9 s after x265 had stopped repeating the live
              still, and H.264's 2 s repeat gap still counted those repeats; HEVC's gap is now 1 s, from twenty development
              x265 freezes (0.08-0.76 s between repeats). The second freeze of ffh-frozen-02 (9.96-12.39 s, missed until git
              e5f1da4): a key frame 0.06 s into it jumped 1.39 levels with nothing to compare, and the still waited for the
              next key frame, 10 s away; x265 repeats a frozen picture after such a key frame within 0.001 levels for 2.56-3.88 s
              and a live still for 0.48 s at most (sixteen development clips made for this, unseen-media.md), so a second of
              such repeats now ends the wait. The development freeze ffd-frozen-02 was reported only up to the key frame half
              way through its first freeze, 1.86 s short, until git 9fed577 (a key frame cannot unsettle a reported freeze).
              The held-out static shot under x264 with a 10 s GOP, ffh-hn-static-long-gop-x264 (added in git 49cb6fb, so that
              each half holds one under H.264 and one under x265), was quiet when first read.
              Earlier misses were flaws too, fixed and tested on media the tests make: ffh-sync-02 (576i bottom field first
              MPEG-2) read nothing because testmedia painted each flash on the later field of the frame before its truth
              (the converter reads the top field, the later one in bottom-field-first pictures, so the flash was seen a
              frame early); ffh-loud-02's loud passage was dated 1.38 s late by a start lost across speech pauses.
            - **Generated pictures.** Every picture comes from testmedia's generators (procedural textures, and
              generated landscape photographs for PHOTO_PAN), in the Debian arm too, re-encoded; the detectors were
              developed against the same generators. Real camera noise, film grain, graphics are not in it; the
              Debian arm's sound includes recorded music and speech. Photographs under motion with grain are checked
              in unseen-media.md (x265 at CRF 28 with light noise still raises a live still: undecidable there).
            - **The Debian arm is thin**: one clip of two defects per class in each half (sync: three, loudness:
              two), so each half's F1 is a spot check, not a measure; a missed defect moves it by 0.2-0.3.
            - **About twenty defects per class.** One miss moves a class's F1 by about 0.025, so 0.95 against 1.00 is
              resolved, finer differences are not.
            - **Formats limited by encoding time.** In the test toolchain's corpus H.264 stops at 720p30 (OpenH264 is
              near real time at 720p on one core) and has no B-frames or CABAC (Constrained Baseline). The Debian arm,
              where it runs, adds x264 High up to 1080p50, x265, and 576i and 1080i MPEG-2; HEVC clips carry content
              defects only (TsSurgery parses MPEG-2 and H.264 pictures).
            - **Photographs are generated.** PHOTO_PAN pans testmedia's own landscapes (sky, ridges in haze, textured
              ground), the same on every machine. Earlier reports panned Debian's mate-backgrounds photographs; a run
              given -Davmon.photos=DIR pans those files instead, and the header says which.
            - **Blockiness path still unexercised.** Corruption is injected by damaging the bitstream, and both decoders
              flag what they conceal, so BLOCK_CORRUPTION is found by the decoder's flags; damage that decodes without a
              flag (corruption baked in upstream and re-encoded) is not in the corpus.
            - **One audio layout in the test toolchain's corpus.** Stereo AAC only; the Debian arm, where it runs, adds
              mono and 5.1, MP2, AC-3 and SMPTE 302M PCM, and recorded music and speech. No audio-only streams.
            - **Content shows a sync offset only at its events.** An offset in the sound itself is known from the
              first flash-and-beep pair under it, and the pattern pairs once a second with no pair within 0.5 s of a
              segment's edge: truth starts at that pair, 0.5-1.5 s after the sound was moved (see Scoring). Scored from
              the moment the sound was moved, these onsets are 0.7-1.4 s late. A move of the audio timestamps is seen
              from its first packet, once the stream's normal skew is learnt (its first 2 s).
            - **Sync from one pattern.** AV_SYNC_OFFSET is measured on the flash-and-beep pattern only, never on
              programme (lips, claps, cuts on a bang). Offsets beyond tolerance are 120-400 ms; none sits within
              a measurement error of the bound.
            - **Stalls are cut on key frames** and frame drops are left out at encoding; a transport that loses packets
              mid-picture is covered by the corruption clips only.

            Constant offsets, not detector error:
            - **+21 ms on video onsets.** Media time counts from the container's start, as ffmpeg does, and the AAC
              encoder's priming delay (1024 samples at 48 kHz) puts that start 21 ms before the first frame.
            - **+99 ms on silence and channel-loss onsets.** These are one 100 ms audio block: AAC smears sound into the
              first silent block.
            """;

    /** Clips, truth, TP, FN and FP per corpus format. */
    /** The per-class table of one scored set of clips. */
    private static void appendPerClass(StringBuilder md, DetectionProfile profile, Scorer.Result r) {
        md.append(
                "| class | enabled | min dur | TP | FP | FN | precision | recall | F1 | mean \\|onset err\\| | max \\|onset err\\| | mean onset bias | mean \\|end err\\| | never closed | FP on hard neg | target |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scorer.ClassScore c : r.perClass().values()) {
            DetectionProfile.Policy policy = profile.policy(c.type());
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.1f s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %d | %d | %s |%n",
                    c.type(),
                    policy.enabled() ? "yes" : "**no**",
                    policy.minDuration().toMillis() / 1000.0,
                    c.tp(),
                    c.fp(),
                    c.fn(),
                    f2(c.precision()),
                    f2(c.recall()),
                    f2(c.f1()),
                    s3(c.meanAbsOnsetError()),
                    s3(c.maxAbsOnsetError()),
                    signed(c.meanOnsetBias()),
                    s3(c.meanAbsEndError()),
                    c.neverClosed(),
                    c.hardNegativeFps(),
                    verdict(profile, c)));
        }
        List<Scorer.ClassScore> enabled = r.perClass().values().stream()
                .filter(c -> profile.policy(c.type()).enabled())
                .toList();
        int tp = enabled.stream().mapToInt(Scorer.ClassScore::tp).sum();
        int fp = enabled.stream().mapToInt(Scorer.ClassScore::fp).sum();
        int fn = enabled.stream().mapToInt(Scorer.ClassScore::fn).sum();
        md.append(String.format(
                Locale.ROOT,
                "| **all enabled** | | | %d | %d | %d | %s | %s | %s | | | | | | %d | |%n%n",
                tp,
                fp,
                fn,
                f2(tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp)),
                f2(tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn)),
                f2(2.0 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn)),
                r.hardNegativeFalsePositives().size()));
    }

    private static void appendPerFormat(StringBuilder md, List<AccuracyCorpus.Written> clips, Scorer.Result r) {
        Map<String, String> formatOf = new HashMap<>();
        clips.forEach(w -> formatOf.put(w.entry().name(), w.entry().format().label()));
        md.append("| format | clips | TP | FN | FP | of which on hard negatives |\n|---|---|---|---|---|---|\n");
        for (CorpusFormat f :
                clips.stream().map(w -> w.entry().format()).distinct().toList()) {
            String label = f.label();
            long n = clips.stream().filter(w -> w.entry().format().equals(f)).count();
            long tp = r.matches().stream()
                    .filter(m -> label.equals(formatOf.get(m.streamId())))
                    .count();
            long fn = r.misses().stream()
                    .filter(m -> label.equals(formatOf.get(m.streamId())))
                    .count();
            long fp = r.falsePositives().stream()
                    .filter(x -> label.equals(formatOf.get(x.report().streamId())))
                    .count();
            long hn = r.hardNegativeFalsePositives().stream()
                    .filter(x -> label.equals(formatOf.get(x.report().streamId())))
                    .count();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", label, n, tp, fn, fp, hn));
        }
    }

    private static void appendFps(StringBuilder md, List<Scorer.FalsePositive> fps) {
        if (fps.isEmpty()) {
            md.append("None.\n");
            return;
        }
        md.append("| clip | class | reported | channel | segment(s) under it |\n|---|---|---|---|---|\n");
        for (Scorer.FalsePositive f : fps) {
            Scorer.Reported rep = f.report();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s |%n",
                    rep.streamId(),
                    rep.type(),
                    rep.endSeconds() == null
                            ? String.format(Locale.ROOT, "%.3f-open", rep.startSeconds())
                            : span(rep.startSeconds(), rep.endSeconds()),
                    ch(rep.channel()),
                    f.segments().stream().map(AccuracyBenchmark::segment).collect(Collectors.joining("; "))));
        }
    }

    private static String segment(TimedSegment s) {
        return String.format(
                Locale.ROOT,
                "%s+%s [%.2f, %.2f)%s",
                s.video(),
                s.audio(),
                s.startSeconds(),
                s.endSeconds(),
                s.isHardNegative() ? " (hard neg.)" : "");
    }

    private static String span(double a, double b) {
        return String.format(Locale.ROOT, "%.3f-%.3f", a, b);
    }

    private static String ch(Integer c) {
        return c == null ? "-" : String.valueOf(c);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String s3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f s", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.3f s", v);
    }

    /** Which build of the detectors and the test media was measured: the jars' times and the git state (read-only). */
    static String provenance() {
        List<String> parts = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName() == null
                    ? ""
                    : Path.of(entry).getFileName().toString();
            if (name.startsWith("avmon-job-")
                    || name.startsWith("avmon-testmedia-")
                    || name.startsWith("avmon-converter-")
                    || name.startsWith("avmon-cli-")) {
                try {
                    parts.add(name + " built "
                            + Files.getLastModifiedTime(Path.of(entry))
                                    .toInstant()
                                    .truncatedTo(ChronoUnit.SECONDS));
                } catch (IOException ignored) {
                    // not there
                }
            }
        }
        String head = git("rev-parse", "--short", "HEAD");
        String dirty = git("status", "--porcelain", "--", "job", "cli", "converter", "testmedia", "benchmarks");
        if (head != null) {
            parts.add(
                    0,
                    "git " + head
                            + (dirty == null || dirty.isBlank()
                                    ? ""
                                    : " + " + dirty.lines().count()
                                            + " uncommitted change(s) in job/, cli/, converter/, testmedia/, benchmarks/"));
        }
        return parts.isEmpty() ? "unknown" : String.join(", ", parts);
    }

    private static String git(String... args) {
        try {
            List<String> command = new ArrayList<>();
            command.add("git");
            command.add("--no-optional-locks");
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException ignored) {
            // not Linux
        }
        long mem = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        return String.format(
                Locale.ROOT,
                "%d vCPU %s, %d GB, %s %s, %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                Math.round(mem / 1e9),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    private static LoudnessDetector.Thresholds loudness(DetectionProfile profile) {
        return profile.thresholds(DefectType.LOUDNESS_VIOLATION, LoudnessDetector.Thresholds.class);
    }
}
