package io.avmon.testmedia;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The recordings {@link AudioKind#RECORDED} plays: the 16-bit stereo 48 kHz WAV files of the directory the system
 * property {@value #DIRECTORY_PROPERTY} names, sorted by name, track {@code i} being the {@code i}-th. Whoever makes
 * them levels them to about -23 LUFS with their short-term loudness inside EBU R128's bounds, so a recording stands
 * where the synthesised programme stands. Without the property (CI), RECORDED plays the synthesised programme:
 * testmedia's clips never depend on what a machine has installed unless a run asks.
 */
public final class RecordingLibrary {
    public static final String DIRECTORY_PROPERTY = "avmon.recordings";

    private static final Map<Path, float[][]> TRACKS = new ConcurrentHashMap<>();

    private RecordingLibrary() {}

    /** The recordings of {@value #DIRECTORY_PROPERTY}, sorted by name; empty when it is not set. */
    public static List<Path> files() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured == null || !Files.isDirectory(Path.of(configured))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(Path.of(configured))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".wav"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Track {@code track}'s stereo samples (left, right), looped over its length; null when there are no recordings.
     */
    static float[][] track(int track) {
        List<Path> files = files();
        if (files.isEmpty()) {
            return null;
        }
        return TRACKS.computeIfAbsent(files.get(Math.floorMod(track, files.size())), RecordingLibrary::read);
    }

    private static float[][] read(Path file) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getSampleSizeInBits() != 16
                    || f.getChannels() != 2
                    || f.getSampleRate() != 48_000
                    || f.isBigEndian()) {
                throw new IOException(file + ": not 16-bit little-endian stereo 48 kHz PCM: " + f);
            }
            byte[] bytes = in.readAllBytes();
            int frames = bytes.length / 4;
            float[][] out = new float[2][frames];
            for (int i = 0; i < frames; i++) {
                for (int c = 0; c < 2; c++) {
                    int at = i * 4 + c * 2;
                    out[c][i] = (short) ((bytes[at] & 0xFF) | (bytes[at + 1] << 8)) / 32768f;
                }
            }
            return out;
        } catch (IOException | UnsupportedAudioFileException e) {
            throw new IllegalStateException("cannot read recording " + file + ": " + e.getMessage(), e);
        }
    }
}
