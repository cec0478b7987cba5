package io.avmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avmon.converter.ConverterOptions;
import io.avmon.converter.MediaConverter;
import io.avmon.schema.DefectEvent;
import io.avmon.schema.DefectType;
import io.avmon.schema.VideoFrameFeatures;
import io.avmon.testmedia.AudioContent;
import io.avmon.testmedia.Clip;
import io.avmon.testmedia.ClipSpec;
import io.avmon.testmedia.ClipWriter;
import io.avmon.testmedia.VideoKind;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage the decoder reports only in its log (issue 9: MPEG-2 at 1080i dropped four damaged pictures with
 * decode_error_flags 0 on every picture it output). Reproduced small and exactly: one B picture's first slice start
 * code is bit-damaged to say the slice lies below the picture, so FFmpeg's MPEG-2 decoder logs "slice below image",
 * refuses the packet and outputs nothing for it, and flags no picture. Before the decoder's log was read, this read
 * as a dropped frame; damage that costs pictures is corruption, and that is what must be reported.
 */
class SilentDecoderDamageAnalyzeTest {
    private static final int PACKET = 188;
    private static final int PICTURE_TYPE_B = 3;
    /** The highest slice start code: row 175, below any picture this test writes. */
    private static final int LAST_SLICE_CODE = 0xAF;
    /** The converter's bit for an error the decoder logged without flagging a picture (VideoFeatureExtractor). */
    private static final int DECODER_LOGGED_FLAG = 0x200;
    /** FFmpeg's decode_error_flags bits and the converter's corrupt-frame bit: what the decoder itself flags. */
    private static final int DECODER_FLAGS = 0x1FF;

    @TempDir
    static Path dir;

    @Test
    void reportsAPictureTheDecoderDropsWithoutFlaggingAsBlockCorruptionNotAFrameDrop() throws Exception {
        Clip clip = ClipWriter.write(
                ClipSpec.builder()
                        .seed(43)
                        .segment(6, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("silent-damage.ts"));
        double lostAt = damageFirstSliceOfABPictureFrom(clip.file(), 3.0);

        List<VideoFrameFeatures> frames = videoFeatures(clip.file());
        assertThat(frames)
                .as("the decoder flags nothing itself")
                .allSatisfy(
                        f -> assertThat(f.getDecodeErrorFlags() & DECODER_FLAGS).isZero());
        assertThat(frames)
                .as("the damaged picture is not output")
                .noneMatch(f -> Math.abs(f.getMediaTimeUs() / 1e6 - lostAt) < 0.01);
        assertThat(frames)
                .filteredOn(f -> f.getDecodeErrorFlags() == DECODER_LOGGED_FLAG)
                .as("the picture after the logged error carries it, and no other")
                .singleElement()
                .satisfies(f -> assertThat(f.getMediaTimeUs() / 1e6).isBetween(lostAt - 0.2, lostAt + 0.2));

        List<DefectEvent> reported = VideoDefectAnalyzeTest.analyze(clip);

        assertThat(reported)
                .as("the lost picture is corruption, not a drop")
                .extracting(DefectEvent::getDefectType)
                .containsExactly(DefectType.BLOCK_CORRUPTION);
        assertThat(reported.get(0).getStartMediaTimeMs() / 1000.0).isBetween(lostAt - 0.5, lostAt + 0.5);
    }

    @Test
    void anErrorIsCountedOnlyForTheStreamWhoseDecoderLoggedIt() throws Exception {
        Clip damaged = ClipWriter.write(
                ClipSpec.builder()
                        .seed(44)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("damaged.ts"));
        Clip clean = ClipWriter.write(
                ClipSpec.builder()
                        .seed(45)
                        .segment(3, VideoKind.MOTION, AudioContent.PROGRAMME)
                        .build(),
                dir.resolve("clean.ts"));
        damageFirstSliceOfABPictureFrom(damaged.file(), 1.0);

        // Both decoded on one thread, a record of each in turn, as a StreamGroup's inputs share one process: the
        // error must be told apart by the decoder that logged it, not by the thread or the moment.
        List<Integer> damagedFlags = new ArrayList<>();
        List<Integer> cleanFlags = new ArrayList<>();
        try (MediaConverter a = MediaConverter.open(damaged.file().toString(), new ConverterOptions("damaged", 1));
                MediaConverter b = MediaConverter.open(clean.file().toString(), new ConverterOptions("clean", 1))) {
            boolean aDone = false;
            boolean bDone = false;
            while (!aDone || !bDone) {
                aDone = aDone || !collectFlags(a, damagedFlags);
                bDone = bDone || !collectFlags(b, cleanFlags);
            }
        }

        assertThat(damagedFlags).containsOnlyOnce(DECODER_LOGGED_FLAG);
        assertThat(cleanFlags).isNotEmpty().containsOnly(0);
    }

    /** Reads one record; adds a video frame's flags. False at the end of the input. */
    private static boolean collectFlags(MediaConverter converter, List<Integer> flags) throws Exception {
        SpecificRecord r = converter.next();
        if (r instanceof VideoFrameFeatures f) {
            flags.add(f.getDecodeErrorFlags());
        }
        return r != null;
    }

    private static List<VideoFrameFeatures> videoFeatures(Path file) throws Exception {
        List<VideoFrameFeatures> frames = new ArrayList<>();
        try (MediaConverter converter = MediaConverter.open(file.toString(), new ConverterOptions("silent", 1))) {
            for (SpecificRecord r = converter.next(); r != null; r = converter.next()) {
                if (r instanceof VideoFrameFeatures f) {
                    frames.add(f);
                }
            }
        }
        return frames;
    }

    /**
     * Finds, in decode order, the first B picture presented at or after {@code fromSeconds} (from the smallest video
     * PTS, as the truth is timed) and rewrites its first slice start code to {@link #LAST_SLICE_CODE}. Returns the
     * picture's presentation time in seconds.
     */
    private static double damageFirstSliceOfABPictureFrom(Path file, double fromSeconds) throws Exception {
        byte[] ts = Files.readAllBytes(file);
        List<long[]> pes = videoPes(ts); // {pts, first packet offset}
        long firstPts = pes.stream().mapToLong(p -> p[0]).min().orElseThrow();
        for (int i = 0; i < pes.size(); i++) {
            double at = (pes.get(i)[0] - firstPts) / 90_000.0;
            if (at < fromSeconds) {
                continue;
            }
            int end = i + 1 < pes.size() ? (int) pes.get(i + 1)[1] : ts.length;
            List<Integer> offsets = payloadOffsets(ts, (int) pes.get(i)[1], end);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            offsets.forEach(o -> payload.write(ts[o]));
            byte[] bytes = payload.toByteArray();
            int picture = find(bytes, 0, 0x00);
            if (picture < 0 || ((bytes[picture + 5] >> 3) & 7) != PICTURE_TYPE_B) {
                continue;
            }
            for (int s = picture + 4; s + 3 < bytes.length; s++) {
                int code = bytes[s + 3] & 0xFF;
                if (bytes[s] == 0 && bytes[s + 1] == 0 && bytes[s + 2] == 1 && code >= 1 && code <= LAST_SLICE_CODE) {
                    ts[offsets.get(s + 3)] = (byte) LAST_SLICE_CODE;
                    Files.write(file, ts);
                    return at;
                }
            }
        }
        throw new AssertionError("no B picture from " + fromSeconds + " s in " + file);
    }

    /** Start code 00 00 01 {@code code} in {@code bytes} from {@code from}: the offset of its first byte, or -1. */
    private static int find(byte[] bytes, int from, int code) {
        for (int i = from; i + 3 < bytes.length; i++) {
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 1 && (bytes[i + 3] & 0xFF) == code) {
                return i;
            }
        }
        return -1;
    }

    /** The video PESs (stream id 0xE0-0xEF), in file order: {PTS, offset of the TS packet that starts it}. */
    private static List<long[]> videoPes(byte[] ts) {
        List<long[]> pes = new ArrayList<>();
        for (int off = 0; off + PACKET <= ts.length; off += PACKET) {
            int start = payloadStart(ts, off);
            boolean unitStart = (ts[off + 1] & 0x40) != 0;
            if (unitStart
                    && start + 14 <= off + PACKET
                    && ts[start] == 0
                    && ts[start + 1] == 0
                    && ts[start + 2] == 1
                    && (ts[start + 3] & 0xF0) == 0xE0
                    && (ts[start + 7] & 0x80) != 0) {
                int b = start + 9;
                long pts = ((long) (ts[b] >> 1) & 7) << 30
                        | (ts[b + 1] & 0xFFL) << 22
                        | ((ts[b + 2] & 0xFFL) >> 1) << 15
                        | (ts[b + 3] & 0xFFL) << 7
                        | (ts[b + 4] & 0xFFL) >> 1;
                pes.add(new long[] {pts, off});
            }
        }
        return pes;
    }

    /** File offsets of the elementary-stream bytes of the video PES in packets [from, to), its PES header skipped. */
    private static List<Integer> payloadOffsets(byte[] ts, int from, int to) {
        int pid = pid(ts, from);
        List<Integer> offsets = new ArrayList<>();
        for (int off = from; off < to; off += PACKET) {
            if (pid(ts, off) != pid || (ts[off + 3] & 0x10) == 0) {
                continue;
            }
            int start = payloadStart(ts, off);
            if (off == from) {
                start += 9 + (ts[start + 8] & 0xFF);
            }
            for (int i = start; i < off + PACKET; i++) {
                offsets.add(i);
            }
        }
        return offsets;
    }

    private static int pid(byte[] ts, int off) {
        return (ts[off + 1] & 0x1F) << 8 | ts[off + 2] & 0xFF;
    }

    private static int payloadStart(byte[] ts, int off) {
        boolean adaptation = (ts[off + 3] & 0x20) != 0;
        return off + 4 + (adaptation ? 1 + (ts[off + 4] & 0xFF) : 0);
    }
}
