package io.avmon.benchmarks.accuracy;

import io.avmon.testmedia.RecordingLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recorded sound for the Debian arm, made with Debian's tools into {@link RecordingLibrary}'s directory: music from
 * {@code frozen-bubble-data} and speech from {@code espeak-ng}. Each is cut to a minute, made 48 kHz stereo, and
 * levelled by ffmpeg's own BS.1770 meter (ebur128) to -23 LUFS integrated, or lower where its loudest short-term
 * reading would come within 3 LU of R128's -18 LUFS bound, so the loudness truth (none: a recording is programme)
 * stays right. The tracks are split as the corpus is: tracks 0 and 1 are the development half's, 2 and 3 the
 * held-out half's.
 */
final class DebianRecordings {

    /** One recording: its file, what it is, and how it is made. */
    private record Track(String file, String what, List<String> source) {}

    static final int DEVELOPMENT_MUSIC = 0;
    static final int DEVELOPMENT_SPEECH = 1;
    static final int HELD_OUT_MUSIC = 2;
    static final int HELD_OUT_SPEECH = 3;

    private static final String MUSIC = "/usr/share/games/frozen-bubble/snd/";
    private static final double TARGET_LUFS = -23;
    /** Loudest short-term reading allowed: 3 LU under R128's -18 LUFS, the programme's own margin. */
    private static final double MAX_SHORT_TERM_LUFS = -21;

    private static final List<Track> TRACKS = List.of(
            new Track("0-music-introzik.wav", "frozen-bubble introzik.ogg, 5-65 s", List.of(MUSIC + "introzik.ogg")),
            new Track(
                    "1-speech-en.wav",
                    "espeak-ng voice en, a news read",
                    List.of(
                            "en",
                            "Good evening. Here is the news. The council met this morning to discuss the new bridge, "
                                    + "which has been delayed by the wet weather. Engineers say the work will resume "
                                    + "next week. In sport, the home side won by two goals to one, after a late goal "
                                    + "in the second half. Now the weather. Rain will clear from the west tonight, "
                                    + "with a dry and bright start tomorrow, and a light breeze along the coast.")),
            new Track(
                    "2-music-mainzik-2p.wav",
                    "frozen-bubble frozen-mainzik-2p.ogg, 5-65 s",
                    List.of(MUSIC + "frozen-mainzik-2p.ogg")),
            new Track(
                    "3-speech-de.wav",
                    "espeak-ng voice de, a weather report",
                    List.of(
                            "de",
                            "Guten Abend, meine Damen und Herren. Hier ist das Wetter. Morgen wird es im Norden "
                                    + "wolkig, mit einzelnen Schauern am Nachmittag. Im Süden bleibt es sonnig und "
                                    + "warm, bei Temperaturen bis zu fünfundzwanzig Grad. In der Nacht kühlt es ab, "
                                    + "und an den Küsten weht ein frischer Wind aus Westen. Am Wochenende wird es "
                                    + "überall freundlich.")));

    private static final Pattern SHORT_TERM = Pattern.compile("S:\\s*(-?[0-9.]+)");
    private static final Pattern INTEGRATED = Pattern.compile("I:\\s*(-?[0-9.]+) LUFS");

    private DebianRecordings() {}

    /**
     * Makes the recordings in {@code dir} and returns one line per track on what it is and how loud it reads; throws
     * when a tool or a package is missing (the arm then plays the synthesised programme and the report says so).
     */
    static List<String> prepare(DebianFfmpeg ffmpeg, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        for (Track t : TRACKS) {
            Path raw = dir.resolve(t.file() + ".raw.wav");
            Path out = dir.resolve(t.file());
            if (t.source().get(0).startsWith("/")) {
                ffmpeg.run(List.of(
                        "-ss", "5", "-t", "60", "-i", t.source().get(0), "-ac", "2", "-ar", "48000", raw.toString()));
            } else {
                Path speech = dir.resolve(t.file() + ".espeak.wav");
                run(List.of(
                        "espeak-ng",
                        "-v",
                        t.source().get(0),
                        "-w",
                        speech.toString(),
                        t.source().get(1)));
                ffmpeg.run(List.of("-i", speech.toString(), "-ac", "2", "-ar", "48000", raw.toString()));
                Files.delete(speech);
            }
            double[] measured = measure(ffmpeg, raw);
            double gain = Math.min(TARGET_LUFS - measured[0], MAX_SHORT_TERM_LUFS - measured[1]);
            ffmpeg.run(List.of(
                    "-i",
                    raw.toString(),
                    "-af",
                    String.format(Locale.ROOT, "volume=%.2fdB", gain),
                    "-c:a",
                    "pcm_s16le",
                    out.toString()));
            Files.delete(raw);
            double[] levelled = measure(ffmpeg, out);
            lines.add(String.format(
                    Locale.ROOT,
                    "track %d: %s, %.1f LUFS integrated, short-term %.1f to %.1f LUFS",
                    TRACKS.indexOf(t),
                    t.what(),
                    levelled[0],
                    levelled[2],
                    levelled[1]));
        }
        return lines;
    }

    /** Integrated loudness, loudest and quietest short-term reading (LUFS), by ffmpeg's ebur128 filter. */
    private static double[] measure(DebianFfmpeg ffmpeg, Path wav) throws IOException {
        String log = ffmpeg.run(
                List.of("-nostats", "-i", wav.toString(), "-af", "ebur128=framelog=info", "-f", "null", "-"));
        double max = -200;
        double min = 0;
        double integrated = Double.NaN;
        for (String line : log.split("\n")) {
            Matcher s = SHORT_TERM.matcher(line);
            // The first readings, before the window is full, read -120.7.
            if (line.contains("t:") && s.find() && Double.parseDouble(s.group(1)) > -100) {
                double v = Double.parseDouble(s.group(1));
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            Matcher i = INTEGRATED.matcher(line);
            if (!line.contains("t:") && i.find()) {
                integrated = Double.parseDouble(i.group(1));
            }
        }
        if (Double.isNaN(integrated)) {
            throw new IOException(wav + ": ebur128 gave no integrated loudness");
        }
        return new double[] {integrated, max, min};
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
