package io.avmon.benchmarks.reliability;

import io.avmon.benchmarks.soak.SoakSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Writes {@code benchmarks/results/reliability.md} from a run of the fault tests ({@code benchmarks/reliability/run}):
 * their verdicts from Surefire's XML reports, and the figures they measured on the way to their assertions
 * ({@code target/reliability-figures.tsv} of each module, written by the tests' {@code ReliabilityFigures}), and the
 * soaks' summaries where their results are present. Nothing here is measured: a failed test shows as failed, and a
 * figure missing because its test did not run shows as missing.
 *
 * <p>Usage: {@code java -cp "$BCP" io.avmon.benchmarks.reliability.ReliabilityReport <repository root> <out.md>}
 */
public final class ReliabilityReport {
    /** The fault tests and what each covers, in the order. */
    static final Map<String, String> SUITES = suites();

    private ReliabilityReport() {}

    private static Map<String, String> suites() {
        Map<String, String> suites = new LinkedHashMap<>();
        suites.put("io.avmon.cli.FailoverTest", "TaskManager killed during a defect");
        suites.put("io.avmon.cli.FailoverMomentsTest", "TaskManager killed at four chosen moments");
        suites.put(
                "io.avmon.cli.KillNineRecoveryTest",
                "the job's JVM killed with SIGKILL, restarted from its checkpoint");
        suites.put("io.avmon.cli.SavepointUpgradeTest", "savepoints of the released build restored by this one");
        suites.put("io.avmon.cli.BrokerRestartTest", "broker restarted under the converter");
        suites.put("io.avmon.cli.BrokerRestartDefectsTest", "broker restarted under the job, mid-defect");
        suites.put("io.avmon.cli.LiveInputEndToEndTest", "live inputs: UDP outage, PTS restart, wrap, garbage, HLS");
        suites.put("io.avmon.cli.PoisonRecordsEndToEndTest", "poison records on the feature topic");
        suites.put("io.avmon.job.kafka.FeatureRecordValidatorTest", "the value rules, one by one");
        suites.put("io.avmon.cli.AnalyzeCommandTest", "bad media for analyze and features");
        suites.put("io.avmon.converter.InputErrorTest", "bad inputs at the converter");
        suites.put("io.avmon.converter.InputSchemesTest", "URL schemes on an allow-list");
        suites.put("io.avmon.cli.ConvertCommandTest", "the convert command's errors");
        return suites;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--tests")) {
            // For Surefire's -Dtest: the one list of fault tests, kept here.
            System.out.println(String.join(
                    ",",
                    SUITES.keySet().stream()
                            .map(n -> n.substring(n.lastIndexOf('.') + 1))
                            .toList()));
            return;
        }
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<String[]> figures = new ArrayList<>();
        for (String module : List.of("converter", "job", "cli")) {
            Path file = root.resolve(module).resolve("target/reliability-figures.tsv");
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    figures.add(line.split("\t", 3));
                }
            }
        }
        List<Suite> suites = new ArrayList<>();
        for (String name : SUITES.keySet()) {
            suites.add(Suite.read(root, name));
        }
        StringBuilder md = new StringBuilder(render(suites, figures));
        md.append("\n## Long runs\n\n");
        appendSoak(
                md,
                root,
                "soak-converter.csv",
                "the converter over an hour of a live 720p25 UDP feed",
                120,
                "rss_mib",
                "heap_after_gc_mib");
        appendSoak(
                md,
                root,
                "soak-bad-media.csv",
                "analyze run again and again over six bad files in one JVM (BadMediaLeakCheck)",
                120,
                "outside_heap_mib",
                "heap_after_gc_mib");
        appendSoak(
                md,
                root,
                "soak-bad-media-unopenable.csv",
                "8,000 failed opens in one JVM: the four files that fail at open (BadMediaLeakCheck ... unopenable)",
                10,
                "outside_heap_mib",
                "heap_after_gc_mib");
        appendSoak(
                md,
                root,
                "soak.csv",
                "the job while 2,000 channels appear, run and vanish for a day's worth of sessions (see [soak.md](soak.md))",
                120,
                "heap_after_gc_mib",
                "checkpoint_bytes",
                "rss_mib");
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    static String render(List<Suite> suites, List<String[]> figures) {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability: faults, bad input and long runs\n\n");
        md.append(
                        "Written by `benchmarks/reliability/run` from the fault tests' verdicts and the figures they measured")
                .append(" on the way to their assertions. Machine: ")
                .append(machine())
                .append(", ")
                .append(java.time.LocalDate.now())
                .append(". Recovery times include starting the replacement, and grow with the machine's load.\n\n");

        md.append("## Verdicts\n\n| suite | covers | tests | failed | time s |\n|---|---|---|---|---|\n");
        for (Suite suite : suites) {
            md.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %s | %s | %s | %s |%n",
                    suite.name.substring(suite.name.lastIndexOf('.') + 1),
                    SUITES.get(suite.name),
                    suite.ran() ? String.valueOf(suite.tests) : "not run",
                    suite.ran() ? String.valueOf(suite.failed) : "",
                    suite.ran() ? String.format(Locale.ROOT, "%.0f", suite.seconds) : ""));
        }

        Map<String, Map<String, String>> byScenario = new LinkedHashMap<>();
        for (String[] f : figures) {
            if (f.length == 3) {
                byScenario.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f[2]);
            }
        }
        long lost = 0;
        long duplicated = 0;
        md.append("\n## Kills and restarts: defect events against the injected truth\n\n");
        md.append("Each run plays a clip with defects at known times live into a real broker and a Flink job with")
                .append(" exactly-once sinks, kills something at the moment named, and reads the defect topic")
                .append(" `read_committed`. Recovery is from the kill to the first checkpoint completed after it,")
                .append(" the moment the job is back and its progress durable again; the replacement TaskManager or")
                .append(" JVM is started at once, so a supervisor's restart delay comes on top.\n\n");
        md.append("| run | defects injected | events committed | defects lost | events duplicated | recovery ms |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (var e : byScenario.entrySet()) {
            Map<String, String> f = e.getValue();
            if (f.containsKey("defects lost")) {
                lost += Long.parseLong(f.get("defects lost"));
                duplicated += Long.parseLong(f.get("events duplicated"));
                md.append(String.format(
                        "| %s | %s | %s | %s | %s | %s |%n",
                        e.getKey(),
                        f.get("defects injected"),
                        f.get("events committed"),
                        f.get("defects lost"),
                        f.get("events duplicated"),
                        f.getOrDefault("recovery ms, kill to first checkpoint after", "")));
            }
        }
        md.append(String.format("%n**Defect events lost: %d. Duplicated: %d.**%n", lost, duplicated));

        md.append("\n## The converter while the broker is away\n\n| run | figure | value |\n|---|---|---|\n");
        appendRows(md, byScenario, "converter:");

        md.append("\n## Poison records\n\nEach is written to the feature topic among a good stream's records; the")
                .append(" job dead-letters it with its cause and keeps judging the good stream.\n\n")
                .append("| record | figure | value |\n|---|---|---|\n");
        appendRows(md, byScenario, "poison:");

        md.append("\n## Bad media\n\n| file | outcome | what the user sees on stderr |\n|---|---|---|\n");
        appendRows(md, byScenario, "bad media:");
        return md.toString();
    }

    private static void appendSoak(
            StringBuilder md, Path root, String csv, String what, double warmupSeconds, String... columns)
            throws IOException {
        Path file = root.resolve("benchmarks/results").resolve(csv);
        md.append("**")
                .append(what)
                .append("** ([")
                .append(csv)
                .append("](")
                .append(csv)
                .append(")");
        String plot = csv.replace(".csv", ".svg");
        if (Files.exists(file.resolveSibling(plot))) {
            md.append(", plot [").append(plot).append("](").append(plot).append(")");
        }
        md.append("): ");
        if (!Files.exists(file)) {
            md.append("not run here (`benchmarks/reliability/run --soak` runs it).\n\n");
            return;
        }
        md.append(String.format(
                Locale.ROOT,
                "after a %.0f s warm-up, the mean of the last third of the samples against the first third:%n%n",
                warmupSeconds));
        SoakSummary.of(file, warmupSeconds)
                .describe(columns)
                .lines()
                .forEach(line -> md.append("- ").append(line).append('\n'));
        md.append('\n');
    }

    private static void appendRows(StringBuilder md, Map<String, Map<String, String>> byScenario, String prefix) {
        int rows = 0;
        for (var e : byScenario.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                for (var f : e.getValue().entrySet()) {
                    md.append("| ")
                            .append(e.getKey().substring(prefix.length()).strip())
                            .append(" | ")
                            .append(f.getKey())
                            .append(" | ")
                            .append(cell(f.getValue()))
                            .append(" |\n");
                    rows++;
                }
            }
        }
        if (rows == 0) {
            md.append("| (no figures: the tests did not run) | | |\n");
        }
    }

    private static String cell(String text) {
        // The tests' temporary folders say nothing to a reader: the file's name does.
        String escaped = text.replaceAll("/tmp/junit-?\\d+/", "").replace("|", "\\|");
        return escaped.length() > 300 ? escaped.substring(0, 300) + "..." : escaped;
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** One test class's verdict from its Surefire XML report, if it ran. */
    record Suite(String name, int tests, int failed, double seconds) {
        boolean ran() {
            return tests > 0;
        }

        static Suite read(Path root, String name) throws Exception {
            try (Stream<Path> reports = Stream.of("converter", "job", "cli")
                    .map(m -> root.resolve(m).resolve("target/surefire-reports/TEST-" + name + ".xml"))
                    .filter(Files::exists)) {
                Path report = reports.findFirst().orElse(null);
                if (report == null) {
                    return new Suite(name, 0, 0, 0);
                }
                Element suite = DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(report.toFile())
                        .getDocumentElement();
                NodeList cases = suite.getElementsByTagName("testcase");
                int failed = 0;
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    if (c.getElementsByTagName("failure").getLength()
                                    + c.getElementsByTagName("error").getLength()
                            > 0) {
                        failed++;
                    }
                }
                return new Suite(name, cases.getLength(), failed, Double.parseDouble(suite.getAttribute("time")));
            }
        }
    }
}
