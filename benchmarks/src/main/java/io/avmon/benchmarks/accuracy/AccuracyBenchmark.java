package io.avmon.benchmarks.accuracy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.avmon.cli.analyze.AnalysisProgress;
import io.avmon.cli.analyze.MediaFileSplit;
import io.avmon.cli.analyze.OfflineAnalysis;
import io.avmon.job.DetectionProfile;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.testmedia.TimedSegment;

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
        DetectionProfile profile = DetectionProfile.defaults();
        AccuracyCorpus corpus = new AccuracyCorpus(profile);

        long t0 = System.nanoTime();
        List<AccuracyCorpus.Written> clips = corpus.write(dir, Runtime.getRuntime().availableProcessors());
        long t1 = System.nanoTime();
        double mediaSeconds = clips.stream().mapToDouble(c -> c.clip().durationSeconds()).sum();
        System.err.printf(Locale.ROOT, "corpus: %d clips, %.1f s of media in %s, written in %.1f s%n", clips.size(),
                mediaSeconds, dir, (t1 - t0) / 1e9);

        AccuracyRun.Outcome outcome = AccuracyRun.analyseAndScore(profile, clips, tolerance);
        Scorer.Result result = outcome.result();
        List<String> failures = outcome.failures();
        List<DefectEvent> events = outcome.events();
        long t2 = t1 + Math.round(outcome.analysisSeconds() * 1e9);
        System.err.printf(Locale.ROOT, "analysis: %d events in %.1f s%n", events.size(), outcome.analysisSeconds());

        String report = render(profile, corpus, clips, result, tolerance, dir, mediaSeconds, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, events.size(), failures);
        System.out.println(report);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        System.err.println("written to " + out.toAbsolutePath());
    }

    static String render(DetectionProfile profile, AccuracyCorpus corpus, List<AccuracyCorpus.Written> clips,
                         Scorer.Result r, double tolerance, Path dir, double mediaSeconds, double writeSeconds,
                         double analysisSeconds, int eventCount, List<String> failures) {
        StringBuilder md = new StringBuilder();
        md.append("# Detection accuracy\n\n");
        md.append("Machine: ").append(machine()).append(".  \n");
        md.append("Code: ").append(provenance()).append(".  \n");
        md.append("Date: ").append(LocalDate.now()).append(". Command (from the repository root, after `mvn -B -q -o -pl benchmarks package -DskipTests`):\n\n");
        md.append("```sh\njava $(cat cli/target/launcher/jvm-options.txt) -Dlog4j2.configurationFile=log4j2-avmon.xml \\\n")
          .append("  -cp \"benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)\" \\\n")
          .append("  io.avmon.benchmarks.accuracy.AccuracyBenchmark [corpus-dir]\n```\n\n");
        md.append(String.format(Locale.ROOT,
                "Corpus: %d clips, %.1f s (%.1f min) of media, written in %.1f s. Analysis: one `OfflineAnalysis` run "
                        + "(`DetectionProfile.defaults()`, parallelism %d) over all files, %d defect events, %.1f s "
                        + "(%.1fx real time).%n%n",
                clips.size(), mediaSeconds, mediaSeconds / 60, writeSeconds,
                Math.min(clips.size(), Runtime.getRuntime().availableProcessors()), eventCount, analysisSeconds,
                mediaSeconds / analysisSeconds));
        md.append(String.format(Locale.ROOT,
                "Scoring (`Scorer`): final state per eventId; a report pairs with truth of the same class (and the same "
                        + "channel where the truth names one) when its onset is within %.1f s of the truth's; pairs are "
                        + "assigned one-to-one by largest overlap, then smallest onset error. Truth entries of a class closer together "
                        + "than the class's recovery hold-off are scored as one defect (the detector cannot separate "
                        + "them). A report still open at the end of its clip runs to the clip's end. Onset/end errors are "
                        + "report minus truth over true positives. **Targets per class:** F1 >= %.2f, no false positive "
                        + "on a hard negative, max |onset error| <= %.1f s. \"FP on hard neg\" counts false positives in "
                        + "hard-negative clips or overlapping a hard-negative segment (dip to black, dark scene, letterbox, "
                        + "static noise, scene cuts, rainbow slide, quiet passage) in any clip.%n%n", tolerance, TARGET_F1, TARGET_ONSET_S));

        md.append("## Per class\n\n");
        md.append("| class | enabled | min dur | TP | FP | FN | precision | recall | F1 | mean \\|onset err\\| | max \\|onset err\\| | mean onset bias | mean \\|end err\\| | never closed | FP on hard neg | target |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scorer.ClassScore c : r.perClass().values()) {
            DetectionProfile.Policy policy = profile.policy(c.type());
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
            boolean hasTruth = c.tp() + c.fn() > 0;
            String target = !policy.enabled() ? "not scored: detector disabled in defaults"
                    : !hasTruth ? "no truth in corpus (FP only)"
                    : misses.isEmpty() ? "**met**" : "**missed**: " + String.join(", ", misses);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %d | %d | %s |%n",
                    c.type(), policy.enabled() ? "yes" : "**no**", policy.minDuration().toMillis() / 1000.0,
                    c.tp(), c.fp(), c.fn(), f2(c.precision()), f2(c.recall()), f2(c.f1()),
                    s3(c.meanAbsOnsetError()), s3(c.maxAbsOnsetError()), signed(c.meanOnsetBias()),
                    s3(c.meanAbsEndError()), c.neverClosed(), c.hardNegativeFps(), target));
        }
        List<Scorer.ClassScore> enabled = r.perClass().values().stream()
                .filter(c -> profile.policy(c.type()).enabled()).toList();
        int tp = enabled.stream().mapToInt(Scorer.ClassScore::tp).sum();
        int fp = enabled.stream().mapToInt(Scorer.ClassScore::fp).sum();
        int fn = enabled.stream().mapToInt(Scorer.ClassScore::fn).sum();
        md.append(String.format(Locale.ROOT, "| **all enabled** | | | %d | %d | %d | %s | %s | %s | | | | | | %d | |%n%n", tp, fp, fn,
                f2(tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp)), f2(tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn)),
                f2(2.0 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn)), r.hardNegativeFalsePositives().size()));

        md.append("## False positives on hard negatives\n\n");
        appendFps(md, r.hardNegativeFalsePositives());
        md.append("\n## Other false positives\n\n");
        appendFps(md, r.falsePositives().stream().filter(f -> !(f.onHardNegative() || f.inHardNegativeClip())).toList());
        md.append("\n## Missed (false negatives)\n\n");
        if (r.misses().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| clip | class | truth | channel | clip content |\n|---|---|---|---|---|\n");
            for (Scorer.Miss m : r.misses()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m.streamId(), m.truth().defectType(),
                        span(m.truth().startSeconds(), m.truth().endSeconds()), ch(m.truth().channel()), m.context()));
            }
        }
        md.append("\n## True positives\n\n| clip | class | truth | reported | onset err | end err |\n|---|---|---|---|---|---|\n");
        r.matches().stream()
                .sorted(Comparator.comparing((Scorer.Match m) -> m.truth().defectType()).thenComparing(Scorer.Match::streamId))
                .forEach(m -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", m.streamId(),
                        m.truth().defectType(), span(m.truth().startSeconds(), m.truth().endSeconds()),
                        m.report().endSeconds() == null ? String.format(Locale.ROOT, "%.3f-open", m.report().startSeconds())
                                : span(m.report().startSeconds(), m.report().endSeconds()),
                        signed(m.onsetError()), signed(m.endError()))));

        md.append("\n## Corpus\n\n");
        md.append("Deterministic (`AccuracyCorpus`, fixed seeds): 640x360, 25 fps, stereo 48 kHz, MPEG-2 (qscale 3, GOP 12) + "
                + "AAC 192 kb/s in MPEG-TS. Truth is testmedia's `Clip.truth()`; LOUDNESS_VIOLATION truth is added by the harness "
                + "for 1 kHz tone segments above the R128 short-term bound (-18 LUFS) held for at least the raise delay "
                + "(testmedia injects no loudness truth itself).\n\n");
        md.append("| clip | group | duration | content (video+audio per segment) | truth |\n|---|---|---|---|---|\n");
        for (AccuracyCorpus.Written w : clips) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %s | %s |%n", w.entry().name(), w.entry().group(),
                    w.clip().durationSeconds(), w.entry().description(),
                    w.truth().isEmpty() ? "-" : w.truth().stream().map(d -> d.defectType() + " " + span(d.startSeconds(), d.endSeconds())
                            + (d.channel() == null ? "" : " ch" + d.channel())).collect(Collectors.joining("; "))));
        }
        List<String> notes = new ArrayList<>(corpus.notes());
        notes.addAll(failures.stream().map(f -> "analysis failure: " + f).toList());
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static void appendFps(StringBuilder md, List<Scorer.FalsePositive> fps) {
        if (fps.isEmpty()) {
            md.append("None.\n");
            return;
        }
        md.append("| clip | class | reported | channel | segment(s) under it |\n|---|---|---|---|---|\n");
        for (Scorer.FalsePositive f : fps) {
            Scorer.Reported rep = f.report();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", rep.streamId(), rep.type(),
                    rep.endSeconds() == null ? String.format(Locale.ROOT, "%.3f-open", rep.startSeconds())
                            : span(rep.startSeconds(), rep.endSeconds()),
                    ch(rep.channel()), f.segments().stream().map(AccuracyBenchmark::segment).collect(Collectors.joining("; "))));
        }
    }

    private static String segment(TimedSegment s) {
        return String.format(Locale.ROOT, "%s+%s [%.2f, %.2f)%s", s.video(), s.audio(), s.startSeconds(), s.endSeconds(),
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
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
            if (name.startsWith("avmon-job-") || name.startsWith("avmon-testmedia-") || name.startsWith("avmon-converter-")) {
                try {
                    parts.add(name + " built " + Files.getLastModifiedTime(Path.of(entry)).toInstant()
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                } catch (IOException ignored) {
                    // not there
                }
            }
        }
        String head = git("rev-parse", "--short", "HEAD");
        String dirty = git("status", "--porcelain", "--", "job", "testmedia", "converter");
        if (head != null) {
            parts.add(0, "git " + head + (dirty == null || dirty.isBlank() ? ""
                    : " + " + dirty.lines().count() + " uncommitted change(s) in job/, testmedia/, converter/"));
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
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux
        }
        long mem = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        return String.format(Locale.ROOT, "%d vCPU %s, %d GB, %s %s, %s", Runtime.getRuntime().availableProcessors(), cpu,
                Math.round(mem / 1e9), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }
}
