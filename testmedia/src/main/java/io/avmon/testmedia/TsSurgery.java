package io.avmon.testmedia;

import io.avmon.schema.DefectType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Damages a written MPEG-TS file the way a network does, and returns the truth of what it did: {@link BitstreamDamage}
 * (payload bytes of the video PID overwritten, TS and PES headers intact) and {@link StreamGap} (both tracks' packets
 * removed, continuity counters renumbered so the demuxer sees a clean feed that paused, not lost packets).
 *
 * <p>It parses just enough of the transport stream: the PAT and PMT for the elementary PIDs, each PES's PTS, and for
 * MPEG-2 video the picture coding type from the picture header. Times are relative to the smallest video PTS, which
 * is frame 0's, as the clip's truth is.
 */
final class TsSurgery {
    private static final int PACKET = 188;
    private static final double PTS_HZ = 90_000;
    private static final byte[] PICTURE_START = {0, 0, 1, 0};

    private TsSurgery() {}

    /** One PES of an elementary stream: every TS packet of its PID from its start to the next PES's start. */
    private static final class Pes {
        final int pid;
        final long pts;
        final List<Integer> packets = new ArrayList<>();
        int pictureType;
        long frame;

        Pes(int pid, long pts) {
            this.pid = pid;
            this.pts = pts;
        }

        boolean key() {
            return pictureType == 1;
        }
    }

    static List<InjectedDefect> apply(Path file, ClipSpec spec) throws IOException {
        if (spec.damage().isEmpty() && spec.gaps().isEmpty()) {
            return List.of();
        }
        byte[] ts = Files.readAllBytes(file);
        int count = ts.length / PACKET;
        if (ts.length % PACKET != 0) {
            throw new IOException(file + ": not an MPEG-TS file of 188-byte packets");
        }
        for (int i = 0; i < count; i++) {
            if (ts[i * PACKET] != 0x47) {
                throw new IOException(file + ": lost TS sync at packet " + i);
            }
        }
        Set<Integer> videoPids = new HashSet<>();
        Set<Integer> audioPids = new HashSet<>();
        elementaryPids(ts, count, videoPids, audioPids);
        if (videoPids.isEmpty()) {
            throw new IOException(file + ": no video PID in the PMT");
        }

        List<Pes> video = new ArrayList<>();
        List<Pes> audio = new ArrayList<>();
        Map<Integer, Pes> current = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int pid = pid(ts, i);
            boolean isVideo = videoPids.contains(pid);
            if (!isVideo && !audioPids.contains(pid)) {
                continue;
            }
            int payload = payloadOffset(ts, i);
            if (payload >= 0 && (ts[i * PACKET + 1] & 0x40) != 0) {
                Pes pes = new Pes(pid, pts(ts, i * PACKET + payload));
                current.put(pid, pes);
                (isVideo ? video : audio).add(pes);
            }
            Pes pes = current.get(pid);
            if (pes != null) {
                pes.packets.add(i);
            }
        }
        long firstPts = Long.MAX_VALUE;
        for (Pes pes : video) {
            pes.pictureType = pictureType(ts, pes);
            firstPts = Math.min(firstPts, pes.pts);
        }
        double framePts = PTS_HZ / spec.fps();
        for (Pes pes : video) {
            pes.frame = Math.round((pes.pts - firstPts) / framePts);
        }
        long[] keyFrames = video.stream().filter(Pes::key).mapToLong(p -> p.frame).sorted().toArray();
        long lastFrame = video.stream().mapToLong(p -> p.frame).max().orElse(0);

        List<InjectedDefect> truth = new ArrayList<>();
        boolean[] removed = new boolean[count];
        for (StreamGap gap : spec.gaps()) {
            long from = nextKey(keyFrames, Math.round(gap.atSeconds() * spec.fps()), lastFrame + 1);
            long to = nextKey(keyFrames, Math.round((gap.atSeconds() + gap.durationSeconds()) * spec.fps()), lastFrame + 1);
            if (to <= from) {
                continue;
            }
            // Closed GOPs: the pictures shown in [from, to) are exactly those decoded from key frame to key frame.
            for (Pes pes : video) {
                if (pes.frame >= from && pes.frame < to) {
                    pes.packets.forEach(p -> removed[p] = true);
                }
            }
            for (Pes pes : audio) {
                double frame = (pes.pts - firstPts) / framePts;
                if (frame >= from && frame < to) {
                    pes.packets.forEach(p -> removed[p] = true);
                }
            }
            truth.add(new InjectedDefect(DefectType.STREAM_STALL, (double) from / spec.fps(), (double) to / spec.fps(), null));
        }

        List<long[]> corrupt = new ArrayList<>();
        Random random = new Random(spec.seed() * 31 + 7);
        for (BitstreamDamage damage : spec.damage()) {
            long from = Math.round(damage.atSeconds() * spec.fps());
            long to = Math.round((damage.atSeconds() + damage.durationSeconds()) * spec.fps());
            for (Pes pes : video) {
                if (pes.key() || pes.frame < from || pes.frame >= to || pes.packets.size() < 2 || removed[pes.packets.get(0)]) {
                    continue;
                }
                // Keep the first packet (PES, sequence and picture headers): the picture is decoded, its slices are not.
                int n = pes.packets.size() - 1;
                for (int k = 1 + n / 3; k <= Math.max(1, 1 + 2 * n / 3) && k < pes.packets.size(); k++) {
                    int packet = pes.packets.get(k);
                    int offset = payloadOffset(ts, packet);
                    for (int b = Math.max(offset, 4); offset >= 0 && b < PACKET; b++) {
                        ts[packet * PACKET + b] = (byte) random.nextInt(256);
                    }
                }
                // Prediction carries the damage to every picture up to the next key frame.
                corrupt.add(new long[] {pes.frame, nextKey(keyFrames, pes.frame + 1, lastFrame + 1)});
            }
        }
        corrupt.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] run = null;
        for (long[] c : corrupt) {
            if (run != null && c[0] <= run[1]) {
                run[1] = Math.max(run[1], c[1]);
                continue;
            }
            if (run != null) {
                truth.add(new InjectedDefect(DefectType.BLOCK_CORRUPTION, (double) run[0] / spec.fps(), (double) run[1] / spec.fps(), null));
            }
            run = c.clone();
        }
        if (run != null) {
            truth.add(new InjectedDefect(DefectType.BLOCK_CORRUPTION, (double) run[0] / spec.fps(), (double) run[1] / spec.fps(), null));
        }

        Files.write(file, withoutRemoved(ts, count, removed));
        return truth;
    }

    private static long nextKey(long[] keyFrames, long atOrAfter, long otherwise) {
        for (long k : keyFrames) {
            if (k >= atOrAfter) {
                return k;
            }
        }
        return otherwise;
    }

    /** The kept packets, with each PID's continuity counter renumbered across the removed ones. */
    private static byte[] withoutRemoved(byte[] ts, int count, boolean[] removed) {
        byte[] out = new byte[ts.length];
        int kept = 0;
        Map<Integer, Integer> counters = new HashMap<>();
        for (int i = 0; i < count; i++) {
            if (removed[i]) {
                continue;
            }
            System.arraycopy(ts, i * PACKET, out, kept * PACKET, PACKET);
            int at = kept * PACKET;
            int pid = pid(ts, i);
            boolean hasPayload = (out[at + 3] & 0x10) != 0;
            Integer last = counters.get(pid);
            int cc = out[at + 3] & 0x0F;
            if (last != null) {
                cc = hasPayload ? (last + 1) & 0x0F : last;
                out[at + 3] = (byte) ((out[at + 3] & 0xF0) | cc);
            }
            counters.put(pid, cc);
            kept++;
        }
        return Arrays.copyOf(out, kept * PACKET);
    }

    private static int pid(byte[] ts, int packet) {
        return ((ts[packet * PACKET + 1] & 0x1F) << 8) | (ts[packet * PACKET + 2] & 0xFF);
    }

    /** Offset of the payload within the packet, or -1 when the packet carries none. */
    private static int payloadOffset(byte[] ts, int packet) {
        int at = packet * PACKET;
        int control = (ts[at + 3] >> 4) & 3;
        if ((control & 1) == 0) {
            return -1;
        }
        int offset = 4;
        if ((control & 2) != 0) {
            offset += 1 + (ts[at + 4] & 0xFF);
        }
        return offset < PACKET ? offset : -1;
    }

    /** PTS of the PES starting at {@code at}, or -1 without one. */
    private static long pts(byte[] ts, int at) {
        if (at + 14 > ts.length || ts[at] != 0 || ts[at + 1] != 0 || ts[at + 2] != 1 || (ts[at + 7] & 0x80) == 0) {
            return -1;
        }
        int p = at + 9;
        return ((long) ((ts[p] >> 1) & 0x07) << 30) | ((long) (ts[p + 1] & 0xFF) << 22) | ((long) ((ts[p + 2] & 0xFF) >> 1) << 15)
                | ((long) (ts[p + 3] & 0xFF) << 7) | ((ts[p + 4] & 0xFF) >> 1);
    }

    /** MPEG-2 picture_coding_type (1 I, 2 P, 3 B) from the picture header in the PES's first packets; 0 if not found. */
    private static int pictureType(byte[] ts, Pes pes) {
        byte[] head = new byte[PACKET * 4];
        int length = 0;
        for (int k = 0; k < Math.min(4, pes.packets.size()); k++) {
            int packet = pes.packets.get(k);
            int offset = payloadOffset(ts, packet);
            if (offset < 0) {
                continue;
            }
            System.arraycopy(ts, packet * PACKET + offset, head, length, PACKET - offset);
            length += PACKET - offset;
        }
        for (int i = 9; i + 5 < length; i++) {
            if (head[i] == PICTURE_START[0] && head[i + 1] == PICTURE_START[1] && head[i + 2] == PICTURE_START[2]
                    && head[i + 3] == PICTURE_START[3]) {
                return ((head[i + 5] & 0xFF) >> 3) & 0x07;
            }
        }
        return 0;
    }

    /** Fills the video and audio PIDs from the first PAT and its first PMT. */
    private static void elementaryPids(byte[] ts, int count, Set<Integer> videoPids, Set<Integer> audioPids) {
        int pmtPid = -1;
        for (int i = 0; i < count && (pmtPid < 0 || videoPids.isEmpty()); i++) {
            int pid = pid(ts, i);
            int offset = payloadOffset(ts, i);
            if (offset < 0 || (ts[i * PACKET + 1] & 0x40) == 0) {
                continue;
            }
            int section = i * PACKET + offset + 1 + (ts[i * PACKET + offset] & 0xFF);
            int length = ((ts[section + 1] & 0x0F) << 8) | (ts[section + 2] & 0xFF);
            int end = Math.min(section + 3 + length - 4, (i + 1) * PACKET);
            if (pid == 0 && pmtPid < 0 && ts[section] == 0) {
                for (int p = section + 8; p + 4 <= end; p += 4) {
                    int program = ((ts[p] & 0xFF) << 8) | (ts[p + 1] & 0xFF);
                    if (program != 0) {
                        pmtPid = ((ts[p + 2] & 0x1F) << 8) | (ts[p + 3] & 0xFF);
                        break;
                    }
                }
            } else if (pid == pmtPid && ts[section] == 2) {
                int infoLength = ((ts[section + 10] & 0x0F) << 8) | (ts[section + 11] & 0xFF);
                for (int p = section + 12 + infoLength; p + 5 <= end; ) {
                    int streamType = ts[p] & 0xFF;
                    int esPid = ((ts[p + 1] & 0x1F) << 8) | (ts[p + 2] & 0xFF);
                    int esInfo = ((ts[p + 3] & 0x0F) << 8) | (ts[p + 4] & 0xFF);
                    switch (streamType) {
                        case 0x01, 0x02, 0x10, 0x1B, 0x24 -> videoPids.add(esPid);
                        case 0x03, 0x04, 0x0F, 0x11, 0x81, 0x87 -> audioPids.add(esPid);
                        default -> { }
                    }
                    p += 5 + esInfo;
                }
            }
        }
    }
}
