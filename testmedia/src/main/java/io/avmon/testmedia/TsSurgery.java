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
 * Damages a written MPEG-TS file the way a network or a faulty device does, and returns the truth of what it did:
 * {@link BitstreamDamage} (payload bytes of the video PID overwritten, TS and PES headers intact), {@link StreamGap}
 * (both tracks' packets removed, continuity counters renumbered so the demuxer sees a clean feed that paused, not
 * lost packets) and {@link AudioShift} (the audio packets' presentation times moved).
 *
 * <p>It parses just enough of the transport stream: the PAT and PMT for the elementary PIDs, each PES's PTS, and the
 * picture type: for MPEG-2 video from the picture header, for H.264 from the first slice's NAL unit type and
 * slice_type. Times are relative to the smallest video PTS, which is frame 0's, as the clip's truth is.
 */
final class TsSurgery {
    private static final int PACKET = 188;
    private static final double PTS_HZ = 90_000;
    private static final byte[] PICTURE_START = {0, 0, 1, 0};
    private static final int H264_NAL_SLICE = 1;
    private static final int H264_NAL_IDR = 5;

    private TsSurgery() {}

    /** One PES of an elementary stream: every TS packet of its PID from its start to the next PES's start. */
    private static final class Pes {
        final int pid;
        final long pts;
        /** Byte offset of the PES header in the file. */
        final int headerAt;

        final List<Integer> packets = new ArrayList<>();
        /** A picture that refers to none before it: the end of any damage's propagation. */
        boolean intra;
        /** A picture nothing after it refers past: where a gap may start or end (MPEG-2 I with closed GOPs, H.264 IDR). */
        boolean key;

        long frame;

        Pes(int pid, long pts, int headerAt) {
            this.pid = pid;
            this.pts = pts;
            this.headerAt = headerAt;
        }
    }

    static List<InjectedDefect> apply(Path file, ClipSpec spec) throws IOException {
        if (spec.damage().isEmpty()
                && spec.gaps().isEmpty()
                && spec.audioShifts().isEmpty()) {
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
                Pes pes = new Pes(pid, pts(ts, i * PACKET + payload), i * PACKET + payload);
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
            if (spec.carriesH264()) {
                classifyH264(ts, pes);
            } else {
                int type = mpeg2PictureType(ts, pes);
                pes.intra = type == 1;
                // The writer closes its GOPs whenever it cuts gaps, so an I picture is then a clean entry point.
                pes.key = type == 1;
            }
            firstPts = Math.min(firstPts, pes.pts);
        }
        double framePts = PTS_HZ / spec.fps();
        for (Pes pes : video) {
            pes.frame = Math.round((pes.pts - firstPts) / framePts);
        }
        long[] keyFrames = video.stream()
                .filter(p -> p.key)
                .mapToLong(p -> p.frame)
                .sorted()
                .toArray();
        long[] intraFrames = video.stream()
                .filter(p -> p.intra)
                .mapToLong(p -> p.frame)
                .sorted()
                .toArray();
        long lastFrame = video.stream().mapToLong(p -> p.frame).max().orElse(0);

        List<InjectedDefect> truth = new ArrayList<>();
        boolean[] removed = new boolean[count];
        for (StreamGap gap : spec.gaps()) {
            long from = nextKey(keyFrames, Math.round(gap.atSeconds() * spec.fps()), lastFrame + 1);
            long to = nextKey(
                    keyFrames, Math.round((gap.atSeconds() + gap.durationSeconds()) * spec.fps()), lastFrame + 1);
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
            truth.add(new InjectedDefect(
                    DefectType.STREAM_STALL, (double) from / spec.fps(), (double) to / spec.fps(), null));
        }

        List<long[]> corrupt = new ArrayList<>();
        Random random = new Random(spec.seed() * 31 + 7);
        for (BitstreamDamage damage : spec.damage()) {
            long from = Math.round(damage.atSeconds() * spec.fps());
            long to = Math.round((damage.atSeconds() + damage.durationSeconds()) * spec.fps());
            for (Pes pes : video) {
                if (pes.intra
                        || pes.frame < from
                        || pes.frame >= to
                        || pes.packets.size() < 2
                        || removed[pes.packets.get(0)]) {
                    continue;
                }
                // Keep the first packet (PES, sequence and picture headers): the picture is decoded, its slices are
                // not.
                int n = pes.packets.size() - 1;
                for (int k = 1 + n / 3; k <= Math.max(1, 1 + 2 * n / 3) && k < pes.packets.size(); k++) {
                    int packet = pes.packets.get(k);
                    int offset = payloadOffset(ts, packet);
                    for (int b = Math.max(offset, 4); offset >= 0 && b < PACKET; b++) {
                        ts[packet * PACKET + b] = (byte) random.nextInt(256);
                    }
                }
                // Prediction carries the damage to every picture up to the next key frame.
                corrupt.add(new long[] {pes.frame, nextKey(intraFrames, pes.frame + 1, lastFrame + 1)});
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
                truth.add(new InjectedDefect(
                        DefectType.BLOCK_CORRUPTION, (double) run[0] / spec.fps(), (double) run[1] / spec.fps(), null));
            }
            run = c.clone();
        }
        if (run != null) {
            truth.add(new InjectedDefect(
                    DefectType.BLOCK_CORRUPTION, (double) run[0] / spec.fps(), (double) run[1] / spec.fps(), null));
        }

        for (AudioShift shift : spec.audioShifts()) {
            shiftAudio(ts, audio, removed, shift, firstPts, lastFrame + 1.0, spec.fps());
        }

        Files.write(file, withoutRemoved(ts, count, removed));
        return truth;
    }

    /**
     * Moves the presentation time of the audio PESs due in the shift's stretch, and removes those that would overlap
     * the unshifted audio next to the stretch: the last {@code offset} of the stretch when the audio comes late, the
     * first when it comes early. A stretch that reaches the end of the clip keeps all of its late audio.
     */
    private static void shiftAudio(
            byte[] ts, List<Pes> audio, boolean[] removed, AudioShift shift, long firstPts, double frames, int fps) {
        double clipEnd = frames / fps;
        double offsetSeconds = shift.offsetMs() / 1000;
        long offsetTicks = Math.round(offsetSeconds * PTS_HZ);
        // A shift from 0 takes the whole track, including the audio the encoder's priming puts before frame 0.
        boolean fromStart = shift.atSeconds() == 0;
        for (Pes pes : audio) {
            double t = (pes.pts - firstPts) / PTS_HZ;
            if (pes.pts < 0
                    || (!fromStart && t < shift.atSeconds())
                    || t >= shift.endSeconds()
                    || removed[pes.packets.get(0)]) {
                continue;
            }
            boolean overlapsAfter =
                    offsetSeconds > 0 && shift.endSeconds() < clipEnd && t >= shift.endSeconds() - offsetSeconds;
            boolean overlapsBefore = offsetSeconds < 0 && t < shift.atSeconds() - offsetSeconds;
            if (overlapsAfter || overlapsBefore) {
                pes.packets.forEach(p -> removed[p] = true);
                continue;
            }
            movePresentationTime(ts, pes.headerAt, offsetTicks);
        }
    }

    /** Adds {@code ticks} to the PTS (and the DTS, when there is one) of the PES header at {@code at}. */
    private static void movePresentationTime(byte[] ts, int at, long ticks) {
        int flags = (ts[at + 7] >> 6) & 3;
        writeTimestamp(ts, at + 9, pts(ts, at) + ticks);
        if (flags == 3) {
            writeTimestamp(ts, at + 14, readTimestamp(ts, at + 14) + ticks);
        }
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
        return readTimestamp(ts, at + 9);
    }

    /** A 33-bit PES timestamp in its five bytes (4-bit prefix, then 3 + 15 + 15 bits each closed by a marker bit). */
    private static long readTimestamp(byte[] ts, int p) {
        return ((long) ((ts[p] >> 1) & 0x07) << 30)
                | ((long) (ts[p + 1] & 0xFF) << 22)
                | ((long) ((ts[p + 2] & 0xFF) >> 1) << 15)
                | ((long) (ts[p + 3] & 0xFF) << 7)
                | ((ts[p + 4] & 0xFF) >> 1);
    }

    private static void writeTimestamp(byte[] ts, int p, long value) {
        long v = value & ((1L << 33) - 1);
        ts[p] = (byte) ((ts[p] & 0xF0) | (int) ((v >> 29) & 0x0E) | 1);
        ts[p + 1] = (byte) (v >> 22);
        ts[p + 2] = (byte) (((v >> 14) & 0xFE) | 1);
        ts[p + 3] = (byte) (v >> 7);
        ts[p + 4] = (byte) (((v << 1) & 0xFE) | 1);
    }

    /** The payload of the PES's first four packets, where the picture's headers are. */
    private static byte[] head(byte[] ts, Pes pes) {
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
        return Arrays.copyOf(head, length);
    }

    /**
     * H.264: key and intra from the first slice NAL unit (after the access unit delimiter and parameter sets): an IDR
     * slice is both; a non-IDR slice is intra when its slice_type is I or SI.
     */
    private static void classifyH264(byte[] ts, Pes pes) {
        byte[] head = head(ts, pes);
        int start = head.length > 8 ? 9 + (head[8] & 0xFF) : head.length;
        for (int i = start; i + 4 < head.length; i++) {
            if (head[i] != 0 || head[i + 1] != 0 || head[i + 2] != 1) {
                continue;
            }
            int type = head[i + 3] & 0x1F;
            if (type == H264_NAL_IDR) {
                pes.key = true;
                pes.intra = true;
                return;
            }
            if (type == H264_NAL_SLICE) {
                ExpGolomb bits = new ExpGolomb(head, i + 4);
                bits.unsigned(); // first_mb_in_slice
                int sliceType = bits.unsigned() % 5;
                pes.intra = sliceType == 2 || sliceType == 4;
                return;
            }
        }
    }

    /** Reads Exp-Golomb codes from an H.264 RBSP, skipping emulation prevention bytes (00 00 03). */
    private static final class ExpGolomb {
        private final byte[] data;
        private int bytePos;
        private int bitPos;
        private int zeros;

        ExpGolomb(byte[] data, int from) {
            this.data = data;
            this.bytePos = from;
        }

        private int bit() {
            if (bytePos >= data.length) {
                return 1;
            }
            if (bitPos == 0) {
                if (zeros >= 2 && data[bytePos] == 3) {
                    bytePos++;
                    zeros = 0;
                    if (bytePos >= data.length) {
                        return 1;
                    }
                }
                zeros = data[bytePos] == 0 ? zeros + 1 : 0;
            }
            int b = (data[bytePos] >> (7 - bitPos)) & 1;
            if (++bitPos == 8) {
                bitPos = 0;
                bytePos++;
            }
            return b;
        }

        int unsigned() {
            int leadingZeros = 0;
            while (bit() == 0 && leadingZeros < 31) {
                leadingZeros++;
            }
            int value = 0;
            for (int i = 0; i < leadingZeros; i++) {
                value = (value << 1) | bit();
            }
            return (1 << leadingZeros) - 1 + value;
        }
    }

    /** MPEG-2 picture_coding_type (1 I, 2 P, 3 B) from the picture header in the PES's first packets; 0 if not found. */
    private static int mpeg2PictureType(byte[] ts, Pes pes) {
        byte[] head = head(ts, pes);
        int length = head.length;
        for (int i = 9; i + 5 < length; i++) {
            if (head[i] == PICTURE_START[0]
                    && head[i + 1] == PICTURE_START[1]
                    && head[i + 2] == PICTURE_START[2]
                    && head[i + 3] == PICTURE_START[3]) {
                return ((head[i + 5] & 0xFF) >> 3) & 0x07;
            }
        }
        return 0;
    }

    /** Fills the video and audio PIDs from the first PAT and its first PMT. */
    /** Whether an elementary stream's descriptors, in {@code [from, to)}, mark PES private data as sound. */
    private static boolean privateAudio(byte[] ts, int from, int to) {
        for (int d = from; d + 2 <= to; d += 2 + (ts[d + 1] & 0xFF)) {
            int tag = ts[d] & 0xFF;
            boolean smpte302m = tag == 0x05
                    && d + 6 <= to
                    && ts[d + 2] == 'B'
                    && ts[d + 3] == 'S'
                    && ts[d + 4] == 'S'
                    && ts[d + 5] == 'D';
            if (smpte302m || tag == 0x6A || tag == 0x7A) {
                return true;
            }
        }
        return false;
    }

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
                        case 0x06 -> {
                            // PES private data: sound when it is SMPTE 302M PCM (registration "BSSD") or DVB AC-3.
                            if (privateAudio(ts, p + 5, Math.min(end, p + 5 + esInfo))) {
                                audioPids.add(esPid);
                            }
                        }
                        default -> {}
                    }
                    p += 5 + esInfo;
                }
            }
        }
    }
}
