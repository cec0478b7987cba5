package io.avmon.testmedia;

import java.util.ArrayList;
import java.util.List;

/**
 * What to write: picture and sound format, container and codecs, a seed, and the ordered segments.
 * The defaults make a broadcast-like MPEG-TS clip (MPEG-2 video at qscale 3, GOP 12 with B-frames, AAC 192 kb/s),
 * which the plain {@code org.bytedeco:ffmpeg} artifact can encode without extra native libraries. That artifact also
 * carries OpenH264 ({@link #H264}): Constrained Baseline H.264, I and P pictures only, at a target bit rate.
 */
public record ClipSpec(
        int width,
        int height,
        int fps,
        int sampleRate,
        int channels,
        long seed,
        String format,
        String videoCodec,
        String audioCodec,
        int videoQscale,
        int audioBitrate,
        int gopSize,
        int videoBitrate,
        List<Segment> segments,
        List<FrameDrop> frameDrops,
        List<BitstreamDamage> damage,
        List<StreamGap> gaps,
        List<AudioShift> audioShifts,
        FieldOrder fieldOrder,
        double fieldOrderSwapSeconds) {

    /** FFmpeg's MPEG-2 video encoder: the default. */
    public static final String MPEG2 = "mpeg2video";
    /** FFmpeg's wrapper of Cisco's OpenH264 encoder. */
    public static final String H264 = "libopenh264";
    /** x264 (High profile, B-frames, CABAC): only through an {@link ExternalEncoder}. */
    public static final String X264 = "libx264";
    /** x265 (HEVC): only through an {@link ExternalEncoder}; its pictures are not parsed, so no damage or gaps. */
    public static final String X265 = "libx265";

    public ClipSpec {
        segments = List.copyOf(segments);
        frameDrops = List.copyOf(frameDrops);
        damage = List.copyOf(damage);
        gaps = List.copyOf(gaps);
        audioShifts = List.copyOf(audioShifts);
        java.util.Objects.requireNonNull(fieldOrder, "fieldOrder");
        boolean surgery = !damage.isEmpty() || !gaps.isEmpty() || !audioShifts.isEmpty();
        boolean parsedPictures = MPEG2.equals(videoCodec) || H264.equals(videoCodec) || X264.equals(videoCodec);
        if (surgery && !("mpegts".equals(format) && (parsedPictures || X265.equals(videoCodec)))) {
            throw new IllegalArgumentException(
                    "bitstream damage, stream gaps and audio shifts are written into MPEG-TS with MPEG-2, H.264 or HEVC video only");
        }
        if ((!damage.isEmpty() || !gaps.isEmpty()) && !parsedPictures) {
            // Damage and gaps need picture types, which TsSurgery reads from MPEG-2 and H.264 only.
            throw new IllegalArgumentException(
                    "bitstream damage and stream gaps need MPEG-2 or H.264 video: " + videoCodec);
        }
        if (fieldOrder.isInterlaced() && !MPEG2.equals(videoCodec) && !X264.equals(videoCodec)) {
            // OpenH264 codes progressive pictures only; interlaced H.264 needs x264, outside the test toolchain.
            throw new IllegalArgumentException("interlaced clips are encoded with MPEG-2 or x264 only: " + videoCodec);
        }
        if (!Double.isNaN(fieldOrderSwapSeconds) && !fieldOrder.isInterlaced()) {
            throw new IllegalArgumentException("a field order change needs an interlaced clip");
        }
        if (videoBitrate < 0) {
            throw new IllegalArgumentException("video bit rate must be >= 0: " + videoBitrate);
        }
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("width and height must be positive and even: " + width + "x" + height);
        }
        if (fps <= 0 || sampleRate <= 0 || channels <= 0) {
            throw new IllegalArgumentException("fps, sampleRate and channels must be positive");
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a clip needs at least one segment");
        }
    }

    /** Encoded with OpenH264, the test toolchain's H.264 encoder. */
    public boolean isH264() {
        return H264.equals(videoCodec);
    }

    /** H.264 video, from OpenH264 or x264: what {@link TsSurgery} parses as H.264. */
    public boolean carriesH264() {
        return H264.equals(videoCodec) || X264.equals(videoCodec);
    }

    /** Encoded by an {@link ExternalEncoder} only, outside the test toolchain. */
    public boolean needsExternalEncoder() {
        return X264.equals(videoCodec) || X265.equals(videoCodec);
    }

    /** The field order of the frame shown at {@code seconds}: swapped from {@link #fieldOrderSwapSeconds} on. */
    public FieldOrder fieldOrderAt(double seconds) {
        return seconds >= fieldOrderSwapSeconds - 1e-9 ? fieldOrder.swapped() : fieldOrder;
    }

    public double durationSeconds() {
        return segments.stream().mapToDouble(Segment::durationSeconds).sum();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder()
                .size(width, height)
                .fps(fps)
                .sampleRate(sampleRate)
                .channels(channels)
                .seed(seed)
                .container(format, videoCodec, audioCodec)
                .videoQscale(videoQscale)
                .audioBitrate(audioBitrate)
                .gopSize(gopSize)
                .videoBitrate(videoBitrate)
                .interlaced(fieldOrder);
        if (!Double.isNaN(fieldOrderSwapSeconds)) {
            b.swapFieldOrder(fieldOrderSwapSeconds);
        }
        segments.forEach(b::segment);
        frameDrops.forEach(d -> b.dropFrames(d.atSeconds(), d.frames()));
        damage.forEach(d -> b.damageBitstream(d.atSeconds(), d.durationSeconds()));
        gaps.forEach(g -> b.streamGap(g.atSeconds(), g.durationSeconds()));
        audioShifts.forEach(s -> b.shiftAudio(s.atSeconds(), s.durationSeconds(), s.offsetMs()));
        return b;
    }

    public static final class Builder {
        private int width = 640;
        private int height = 360;
        private int fps = 25;
        private int sampleRate = 48_000;
        private int channels = 2;
        private long seed = 1;
        private String format = "mpegts";
        private String videoCodec = "mpeg2video";
        private String audioCodec = "aac";
        private int videoQscale = 3;
        private int audioBitrate = 192_000;
        private int gopSize = 12;
        private int videoBitrate;
        private final List<Segment> segments = new ArrayList<>();
        private final List<FrameDrop> frameDrops = new ArrayList<>();
        private final List<BitstreamDamage> damage = new ArrayList<>();
        private final List<StreamGap> gaps = new ArrayList<>();
        private final List<AudioShift> audioShifts = new ArrayList<>();
        private FieldOrder fieldOrder = FieldOrder.PROGRESSIVE;
        private double fieldOrderSwapSeconds = Double.NaN;

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder width(int width) {
            this.width = width;
            return this;
        }

        public Builder height(int height) {
            this.height = height;
            return this;
        }

        public Builder fps(int fps) {
            this.fps = fps;
            return this;
        }

        public Builder sampleRate(int sampleRate) {
            this.sampleRate = sampleRate;
            return this;
        }

        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Container (ffmpeg muxer name, e.g. "mpegts", "matroska") and encoder names (e.g. "mpeg2video", "aac", "pcm_s16le"). */
        public Builder container(String format, String videoCodec, String audioCodec) {
            this.format = format;
            this.videoCodec = videoCodec;
            this.audioCodec = audioCodec;
            return this;
        }

        /**
         * Target video bit rate in bit/s, for encoders with rate control ({@link #H264}); 0 leaves MPEG-2 at its
         * constant quantiser ({@link #videoQscale}) and H.264 at 4 Mb/s.
         */
        public Builder videoBitrate(int videoBitrate) {
            this.videoBitrate = videoBitrate;
            return this;
        }

        /** Constant quantiser scale for the video encoder (1 best .. 31 worst); 3 is broadcast-like at 640x360. */
        public Builder videoQscale(int videoQscale) {
            this.videoQscale = videoQscale;
            return this;
        }

        public Builder audioBitrate(int audioBitrate) {
            this.audioBitrate = audioBitrate;
            return this;
        }

        public Builder gopSize(int gopSize) {
            this.gopSize = gopSize;
            return this;
        }

        public Builder segment(Segment segment) {
            segments.add(segment);
            return this;
        }

        public Builder segment(double durationSeconds, VideoKind video, AudioContent audio) {
            return segment(new Segment(durationSeconds, video, audio));
        }

        /**
         * Removes {@code frames} frames from the one due at {@code atSeconds}: they are not encoded, and later frames
         * keep their timestamps. Truth: FRAME_DROP from the first missing frame's time to the next frame's.
         */
        public Builder dropFrames(double atSeconds, int frames) {
            frameDrops.add(new FrameDrop(atSeconds, frames));
            return this;
        }

        /**
         * Damages the encoded video of every predicted picture shown in {@code [atSeconds, atSeconds + durationSeconds)}
         * after writing ({@link BitstreamDamage}). Truth: BLOCK_CORRUPTION from the first damaged picture to the next key
         * frame after the last one.
         */
        public Builder damageBitstream(double atSeconds, double durationSeconds) {
            damage.add(new BitstreamDamage(atSeconds, durationSeconds));
            return this;
        }

        /**
         * Removes both tracks from the first key frame at or after {@code atSeconds} to the first key frame at or after
         * {@code atSeconds + durationSeconds} ({@link StreamGap}); the clip is then encoded with closed GOPs. Truth:
         * STREAM_STALL over the removed stretch.
         */
        public Builder streamGap(double atSeconds, double durationSeconds) {
            gaps.add(new StreamGap(atSeconds, durationSeconds));
            return this;
        }

        /**
         * Shifts the audio track's timestamps by {@code offsetMs} (positive: audio late) from {@code atSeconds} for
         * {@code durationSeconds} ({@link AudioShift}), as a delay switched into one track's path does; to the end of
         * the clip when the stretch reaches it. Truth: AV_SYNC_OFFSET over the stretch where a sync pattern
         * ({@link AudioKind#SYNC_BEEPS}) plays, when the resulting offset is beyond BT.1359's acceptability.
         */
        public Builder shiftAudio(double atSeconds, double durationSeconds, double offsetMs) {
            audioShifts.add(new AudioShift(atSeconds, durationSeconds, offsetMs));
            return this;
        }

        /**
         * Interlaced pictures in {@code order} (MPEG-2 only): each field painted from its own instant, half a frame
         * apart, coded with interlaced DCT and motion estimation, and the field order signalled per picture.
         */
        public Builder interlaced(FieldOrder order) {
            this.fieldOrder = order;
            return this;
        }

        /**
         * Swaps the field order from the frame due at {@code atSeconds} on, as a switch between two sources does; a
         * hard negative: the picture stays live, and no frame is lost.
         */
        public Builder swapFieldOrder(double atSeconds) {
            this.fieldOrderSwapSeconds = atSeconds;
            return this;
        }

        public ClipSpec build() {
            return new ClipSpec(
                    width,
                    height,
                    fps,
                    sampleRate,
                    channels,
                    seed,
                    format,
                    videoCodec,
                    audioCodec,
                    videoQscale,
                    audioBitrate,
                    gopSize,
                    videoBitrate,
                    segments,
                    frameDrops,
                    damage,
                    gaps,
                    audioShifts,
                    fieldOrder,
                    fieldOrderSwapSeconds);
        }
    }
}
