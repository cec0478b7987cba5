package io.avmon.cli.notify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The bridge's memory of what the webhook has acknowledged: the last {@link #CAPACITY} (eventId, state) pairs, kept in
 * a file of one "eventId STATE" line each so that it outlives a restart.
 *
 * <p>Offsets alone do not prevent a re-post: eventIds are name-based, so a job restored from an older savepoint, or
 * reprocessing from earliest, writes the same events again at new offsets, and a consumer group whose offsets expired
 * reads the topic again. Each pair is written here (and flushed) before the offset is committed.
 */
final class DeliveredEvents implements AutoCloseable {
    /** Far more events than a day of defects on a large channel wall, and still a small file (about 500 KiB). */
    static final int CAPACITY = 10_000;

    private final Path file;
    private final LinkedHashSet<String> keys = new LinkedHashSet<>();
    private BufferedWriter writer;
    private int linesInFile;

    private DeliveredEvents(Path file) {
        this.file = file;
    }

    /** Loads the memory from {@code file} (none yet is an empty memory), compacting the file to its last entries. */
    static DeliveredEvents open(Path file) {
        DeliveredEvents delivered = new DeliveredEvents(file);
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        delivered.remember(line.strip());
                    }
                }
            } else if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            delivered.rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the notify state file " + file + ": " + e.getMessage(), e);
        }
        return delivered;
    }

    boolean contains(String eventId, String state) {
        return keys.contains(key(eventId, state));
    }

    /** Remembers the pair and has it on disk before returning. */
    void add(String eventId, String state) {
        String key = key(eventId, state);
        remember(key);
        try {
            if (linesInFile >= 2 * CAPACITY) {
                rewrite();
            } else {
                writer.write(key);
                writer.newLine();
                writer.flush();
                linesInFile++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the notify state file " + file + ": " + e.getMessage(), e);
        }
    }

    int size() {
        return keys.size();
    }

    private void remember(String key) {
        keys.remove(key);
        keys.add(key);
        if (keys.size() > CAPACITY) {
            Iterator<String> oldest = keys.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Writes the remembered pairs to a new file and swaps it in, so a crash mid-way leaves the old file whole. */
    private void rewrite() throws IOException {
        if (writer != null) {
            writer.close();
        }
        Path next = file.resolveSibling(file.getFileName() + ".next");
        List<String> lines = new ArrayList<>(keys);
        Files.write(next, lines, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        linesInFile = lines.size();
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static String key(String eventId, String state) {
        return eventId + " " + state;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // Every pair was flushed when it was added; nothing is lost by a failed close.
        }
    }
}
