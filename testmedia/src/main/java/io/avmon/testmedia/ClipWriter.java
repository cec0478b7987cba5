package io.avmon.testmedia;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

import io.avmon.schema.DefectType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes a {@link ClipSpec} to a file and returns it with its truth. YUV 4:2:0 planes go to the encoder as they
 * are (no RGB, no swscale), audio as planar floats. Deterministic for a spec: single-threaded encoding, seeded
 * content.
 */
public final class ClipWriter {
    /** H.264 bit rate when the spec names none: about what a 720p contribution feed gets. */
    static final int DEFAULT_H264_BITRATE = 4_000_000;

    private ClipWriter() {}

    /** SMPTE 302M: uncompressed PCM as broadcast MPEG-TS carries it (pcm_s16le has no MPEG-TS mapping). */
    static final String S302M = "s302m";

    /** The sample format each encoder takes: 16-bit integers for PCM, SMPTE 302M and MP2, planar floats otherwise. */
    private static int sampleFormat(String audioCodec) {
        return audioCodec.startsWith("pcm_s16") || S302M.equals(audioCodec) || "mp2".equals(audioCodec)
                ? AV_SAMPLE_FMT_S16
                : AV_SAMPLE_FMT_FLTP;
    }

    /** Writes {@code spec} to {@code file} (parent directories are created) and returns the clip with its truth. */
    public static Clip write(ClipSpec spec, Path file) throws IOException {
        if (spec.needsExternalEncoder()) {
            throw new IllegalArgumentException(spec.videoCodec() + " is not in the test toolchain: pass an encoder");
        }
        return write(spec, file, null);
    }

    /**
     * Writes {@code spec} to {@code file} as above; with an {@code encoder}, the content goes first to a near-lossless
     * intermediate beside {@code file} (removed afterwards), which the encoder turns into the clip. The transport
     * defects are injected into the encoder's output, and the content's truth is the spec's, as for a clip written
     * here.
     */
    public static Clip write(ClipSpec spec, Path file, ExternalEncoder encoder) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        List<TimedSegment> timeline = timeline(spec);
        if (encoder == null) {
            record(spec, timeline, file);
        } else {
            Path intermediate = file.resolveSibling(file.getFileName() + ".intermediate.nut");
            try {
                record(intermediate(spec), timeline, intermediate);
                encoder.encode(spec, intermediate, file);
            } finally {
                Files.deleteIfExists(intermediate);
            }
        }
        // The picture and the sound were made from the spec's timeline; truth and hard negatives are what plays after
        // the injections, when a track was shifted.
        List<TimedSegment> heard = AudioShift.heard(timeline, spec.audioShifts());
        List<InjectedDefect> truth = new ArrayList<>(truth(spec, timeline, heard));
        truth.addAll(TsSurgery.apply(file, spec));
        truth.sort(Comparator.comparingDouble(InjectedDefect::startSeconds));
        return new Clip(file, spec, truth, heard);
    }

    /**
     * What an external encoder starts from: the spec's content and frame drops as intra-only MPEG-2 at quantiser 2 (a
     * frozen picture stays an exact repeat, interlaced pictures keep field coding and their field order) and 16-bit
     * PCM, in NUT, whose time bases (1/fps, 1/sample rate) keep every timestamp exact. The transport defects come
     * later, into the final stream.
     */
    static ClipSpec intermediate(ClipSpec spec) {
        return new ClipSpec(
                spec.width(),
                spec.height(),
                spec.fps(),
                spec.sampleRate(),
                spec.channels(),
                spec.seed(),
                "nut",
                ClipSpec.MPEG2,
                "pcm_s16le",
                2,
                spec.audioBitrate(),
                1,
                0,
                spec.segments(),
                spec.frameDrops(),
                List.of(),
                List.of(),
                List.of(),
                spec.fieldOrder(),
                spec.fieldOrderSwapSeconds());
    }

    /** Encodes the spec's timeline into {@code file} with the test toolchain's encoders. */
    private static void record(ClipSpec spec, List<TimedSegment> timeline, Path file) throws IOException {
        FramePainter painter = new FramePainter(spec.width(), spec.height(), spec.seed());
        painter.frameRate(spec.fps());
        AudioSynthesizer synth = new AudioSynthesizer(spec.sampleRate(), spec.channels(), spec.seed());
        byte[] frame = new byte[painter.frameBytes()];
        ByteBuffer image = ByteBuffer.allocateDirect(frame.length);
        int maxSamplesPerFrame = spec.sampleRate() / spec.fps() + 2;
        float[][] samples = new float[spec.channels()][maxSamplesPerFrame];
        FloatBuffer[] sampleBuffers = new FloatBuffer[spec.channels()];

        FFmpegFrameRecorder recorder =
                new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(), spec.channels());
        try {
            recorder.setFormat(spec.format());
            recorder.setVideoCodecName(spec.videoCodec());
            recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(spec.fps());
            recorder.setGopSize(spec.gopSize());
            recorder.setVideoOption("threads", "1");
            if (spec.isH264()) {
                // One slice per picture and bit-rate control: what a contribution encoder sends. OpenH264 adds an
                // IDR picture at a scene change of its own accord, as broadcast encoders do.
                recorder.setVideoBitrate(spec.videoBitrate() > 0 ? spec.videoBitrate() : DEFAULT_H264_BITRATE);
                recorder.setVideoOption("rc_mode", "bitrate");
                recorder.setVideoOption("slices", "1");
            } else {
                recorder.setVideoQuality(spec.videoQscale());
                recorder.setVideoBitrate(spec.videoBitrate() > 0 ? spec.videoBitrate() : 20_000_000);
            }
            if (spec.videoCodec().startsWith("mpeg") && spec.gopSize() > 1) {
                recorder.setMaxBFrames(2);
            }
            String flags = "";
            if (spec.fieldOrder().isInterlaced()) {
                // Interlaced motion estimation and DCT: field-coded macroblocks, as broadcast MPEG-2 encoders send.
                // The encoder takes each picture's top_field_first from its frame's flags (markFields).
                flags += "+ilme+ildct";
                recorder.setVideoOption("field_order", spec.fieldOrder() == FieldOrder.TOP_FIRST ? "tb" : "bt");
            }
            if (!spec.gaps().isEmpty() && !spec.isH264()) {
                // Closed GOPs, so a gap cut from key frame to key frame leaves no picture referring to a removed one
                // (OpenH264's GOPs start at IDR pictures, closed already).
                flags += "+cgop";
                // The encoder refuses closed GOPs with scene-change I frames: key frames come every gopSize frames.
                recorder.setVideoOption("sc_threshold", "1000000000");
            }
            if (!flags.isEmpty()) {
                recorder.setVideoOption("flags", flags);
            }
            recorder.setAudioCodecName(spec.audioCodec());
            recorder.setSampleRate(spec.sampleRate());
            recorder.setAudioChannels(spec.channels());
            recorder.setAudioBitrate(spec.audioBitrate());
            recorder.setSampleFormat(sampleFormat(spec.audioCodec()));
            if (S302M.equals(spec.audioCodec())) {
                // FFmpeg marks its SMPTE 302M encoder experimental; it is how PCM travels in MPEG-TS.
                recorder.setAudioOption("strict", "experimental");
            }
            recorder.start();

            long totalFrames = Math.round(spec.durationSeconds() * spec.fps());
            int segmentIndex = 0;
            long samplesWritten = 0;
            for (long i = 0; i < totalFrames; i++) {
                double t = (double) i / spec.fps();
                while (segmentIndex < timeline.size() - 1
                        && t >= timeline.get(segmentIndex).endSeconds() - 1e-9) {
                    segmentIndex++;
                }
                TimedSegment segment = timeline.get(segmentIndex);
                FieldOrder order = spec.fieldOrderAt(t);
                if (order.isInterlaced()) {
                    painter.paintInterlaced(
                            frame,
                            segment.video(),
                            t,
                            0.5 / spec.fps(),
                            order == FieldOrder.TOP_FIRST,
                            segment.startSeconds(),
                            segment.endSeconds() - segment.startSeconds(),
                            segmentIndex);
                } else {
                    painter.paint(
                            frame,
                            segment.video(),
                            t,
                            segment.startSeconds(),
                            segment.endSeconds() - segment.startSeconds(),
                            segmentIndex);
                }
                if (dropped(spec, i)) {
                    // Painted (the painter's time-based state goes on) but not encoded: a hole in the cadence.
                    long dropEnd = Math.round((double) (i + 1) * spec.sampleRate() / spec.fps());
                    writeAudio(recorder, synth, timeline, samplesWritten, dropEnd, spec, samples, sampleBuffers);
                    samplesWritten = dropEnd;
                    continue;
                }
                image.clear();
                image.put(frame).flip();
                // The frame's pts is its frame number, so frames after a drop keep their own time.
                recorder.setFrameNumber((int) i);
                if (order.isInterlaced()) {
                    markFields(recorder, order);
                }
                recorder.recordImage(
                        spec.width(), spec.height(), Frame.DEPTH_UBYTE, 1, spec.width(), AV_PIX_FMT_YUV420P, image);

                long sampleEnd = Math.round((double) (i + 1) * spec.sampleRate() / spec.fps());
                writeAudio(recorder, synth, timeline, samplesWritten, sampleEnd, spec, samples, sampleBuffers);
                samplesWritten = sampleEnd;
            }
            recorder.stop();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException(file + ": cannot write clip: " + e.getMessage(), e);
        } finally {
            try {
                recorder.release();
            } catch (FFmpegFrameRecorder.Exception ignored) {
                // already reporting the first failure, or released
            }
        }
    }

    /**
     * Flags the recorder's picture interlaced, top field first or not. The MPEG-2 encoder writes each picture's
     * top_field_first from its frame, and the recorder offers no per-picture flags, so its frame is reached directly;
     * the recorder keeps one AVFrame for every picture and leaves its flags alone.
     */
    private static void markFields(FFmpegFrameRecorder recorder, FieldOrder order) throws IOException {
        if (RECORDER_PICTURE == null) {
            throw new IOException("this JavaCV's recorder has no picture field: cannot flag interlaced fields");
        }
        try {
            AVFrame picture = (AVFrame) RECORDER_PICTURE.get(recorder);
            int flags = picture.flags() & ~(AV_FRAME_FLAG_INTERLACED | AV_FRAME_FLAG_TOP_FIELD_FIRST);
            flags |= AV_FRAME_FLAG_INTERLACED;
            if (order == FieldOrder.TOP_FIRST) {
                flags |= AV_FRAME_FLAG_TOP_FIELD_FIRST;
            }
            picture.flags(flags);
            // The deprecated fields as well, which FFmpeg 7.1 still carries, for any encoder that reads them.
            picture.interlaced_frame(1);
            picture.top_field_first(order == FieldOrder.TOP_FIRST ? 1 : 0);
        } catch (IllegalAccessException e) {
            throw new IOException("cannot flag interlaced fields: " + e.getMessage(), e);
        }
    }

    /** The recorder's one AVFrame for every picture; null if this JavaCV has none by that name. */
    private static final Field RECORDER_PICTURE = recorderPicture();

    private static Field recorderPicture() {
        try {
            Field field = FFmpegFrameRecorder.class.getDeclaredField("picture");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** FFmpeg's libavutil/frame.h; JavaCV's presets do not map these two. */
    static final int AV_FRAME_FLAG_INTERLACED = 1 << 3;

    static final int AV_FRAME_FLAG_TOP_FIELD_FIRST = 1 << 4;

    /** Whether frame {@code i} is one of the spec's dropped frames. */
    static boolean dropped(ClipSpec spec, long i) {
        for (FrameDrop drop : spec.frameDrops()) {
            long first = Math.round(drop.atSeconds() * spec.fps());
            if (i >= first && i < first + drop.frames()) {
                return true;
            }
        }
        return false;
    }

    /** Audio for samples [from, to), split where the audio segment changes. */
    private static void writeAudio(
            FFmpegFrameRecorder recorder,
            AudioSynthesizer synth,
            List<TimedSegment> timeline,
            long from,
            long to,
            ClipSpec spec,
            float[][] samples,
            FloatBuffer[] buffers)
            throws FFmpegFrameRecorder.Exception {
        int count = (int) (to - from);
        int done = 0;
        while (done < count) {
            long n = from + done;
            TimedSegment segment = segmentAtSample(timeline, n, spec.sampleRate());
            long segmentEndSample = Math.round(segment.endSeconds() * spec.sampleRate());
            int run = (int) Math.max(1, Math.min(count - done, segmentEndSample - n));
            float[][] part = new float[spec.channels()][];
            for (int c = 0; c < spec.channels(); c++) {
                part[c] = new float[run];
            }
            synth.generate(segment.audio(), segment, spec.fps(), n, run, part);
            for (int c = 0; c < spec.channels(); c++) {
                System.arraycopy(part[c], 0, samples[c], done, run);
            }
            done += run;
        }
        for (int c = 0; c < spec.channels(); c++) {
            buffers[c] = FloatBuffer.wrap(samples[c], 0, count);
        }
        recorder.recordSamples(spec.sampleRate(), spec.channels(), (Buffer[]) buffers);
    }

    private static TimedSegment segmentAtSample(List<TimedSegment> timeline, long n, int sampleRate) {
        for (TimedSegment s : timeline) {
            if (n < Math.round(s.endSeconds() * sampleRate)) {
                return s;
            }
        }
        return timeline.get(timeline.size() - 1);
    }

    static List<TimedSegment> timeline(ClipSpec spec) {
        List<TimedSegment> timeline = new ArrayList<>();
        double start = 0;
        for (Segment s : spec.segments()) {
            timeline.add(new TimedSegment(start, start + s.durationSeconds(), s.video(), s.audio()));
            start += s.durationSeconds();
        }
        return timeline;
    }

    /**
     * One truth entry per run of consecutive segments of {@code heard} (the timeline after the injections) with the
     * same defect; hard negatives get none. An A/V sync offset starts where it can first be known (see
     * {@link #observableSyncOffset}).
     */
    static List<InjectedDefect> truth(ClipSpec spec, List<TimedSegment> timeline, List<TimedSegment> heard) {
        List<InjectedDefect> truth = new ArrayList<>();
        for (TimedSegment s : heard) {
            DefectType video = switch (s.video()) {
                case BLACK -> DefectType.BLACK_FRAMES;
                case FROZEN -> DefectType.FROZEN_FRAMES;
                case COLOR_BARS, COLOR_BARS_EBU, COLOR_BARS_HD -> DefectType.COLOR_BARS;
                default -> null;
            };
            if (video != null) {
                add(truth, new InjectedDefect(video, s.startSeconds(), s.endSeconds(), null));
            }
            InjectedDefect audio = switch (s.audio().kind()) {
                case SILENCE -> new InjectedDefect(DefectType.AUDIO_SILENCE, s.startSeconds(), s.endSeconds(), null);
                case DEAD_CHANNEL ->
                    new InjectedDefect(
                            DefectType.AUDIO_CHANNEL_LOSS, s.startSeconds(), s.endSeconds(), spec.channels() - 1);
                case CLIPPED -> new InjectedDefect(DefectType.AUDIO_CLIPPING, s.startSeconds(), s.endSeconds(), null);
                default -> null;
            };
            if (audio != null) {
                add(truth, audio);
            }
            if (s.audio().kind() == AudioKind.SYNC_BEEPS
                    && SyncPattern.beyondAcceptability(s.audio().audioDelayMs())) {
                add(truth, new InjectedDefect(DefectType.AV_SYNC_OFFSET, s.startSeconds(), s.endSeconds(), null));
            }
        }
        for (FrameDrop drop : spec.frameDrops()) {
            long first = Math.round(drop.atSeconds() * spec.fps());
            long next = first + drop.frames();
            while (dropped(spec, next)) {
                next++;
            }
            truth.add(new InjectedDefect(
                    DefectType.FRAME_DROP, (double) first / spec.fps(), (double) next / spec.fps(), null));
        }
        truth.replaceAll(
                t -> t.defectType() == DefectType.AV_SYNC_OFFSET ? observableSyncOffset(spec, timeline, heard, t) : t);
        truth.sort(Comparator.comparingDouble(InjectedDefect::startSeconds));
        return truth;
    }

    /**
     * An A/V sync offset from where a monitor can first know of it. Audio timestamps moved mid-stream show the
     * offset from the first moved packet. An offset in the sound itself, or one the timestamps have had from the
     * stream's first packet, shows only in content: from the first flash-and-beep pair under it (the beep, when the
     * audio is early), since between the pattern's events the picture and the sound carry nothing to line up.
     */
    static InjectedDefect observableSyncOffset(
            ClipSpec spec, List<TimedSegment> timeline, List<TimedSegment> heard, InjectedDefect offset) {
        double start = offset.startSeconds();
        boolean timestampsMoved = spec.audioShifts().stream()
                .anyMatch(shift ->
                        shift.atSeconds() > 0 && shift.atSeconds() <= start + 1e-9 && start < shift.endSeconds());
        if (timestampsMoved) {
            return offset;
        }
        TimedSegment pattern = timeline.stream()
                .filter(s -> s.contains(start + 1e-9))
                .findFirst()
                .orElseThrow();
        TimedSegment sound =
                heard.stream().filter(s -> s.contains(start + 1e-9)).findFirst().orElseThrow();
        double firstPair = SyncPattern.firstPairAfter(
                spec.seed(),
                spec.fps(),
                pattern.startSeconds(),
                pattern.endSeconds(),
                start,
                sound.audio().audioDelayMs());
        return Double.isNaN(firstPair) || firstPair >= offset.endSeconds()
                ? offset
                : new InjectedDefect(offset.defectType(), firstPair, offset.endSeconds(), offset.channel());
    }

    private static void add(List<InjectedDefect> truth, InjectedDefect next) {
        for (int i = truth.size() - 1; i >= 0; i--) {
            InjectedDefect previous = truth.get(i);
            if (previous.defectType() == next.defectType()
                    && Objects.equals(previous.channel(), next.channel())
                    && Math.abs(previous.endSeconds() - next.startSeconds()) < 1e-9) {
                truth.set(
                        i,
                        new InjectedDefect(
                                previous.defectType(), previous.startSeconds(), next.endSeconds(), previous.channel()));
                return;
            }
        }
        truth.add(next);
    }
}
