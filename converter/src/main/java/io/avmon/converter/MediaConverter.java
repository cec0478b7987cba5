package io.avmon.converter;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes one input with FFmpeg and turns every video frame and every 100 ms of audio into a feature record.
 * Pixels never leave it. Video is decoded in RAW image mode (no RGB conversion) and the planes are read from the
 * decoder's AVFrame; audio comes as floats. Media times are microseconds from the input's first timestamp (the
 * container's start_time, else the first frame's), as ffmpeg normalises them.
 *
 * <p>A corrupt or truncated stretch does not throw: it is counted ({@link #decodeErrorCount()}) and described
 * ({@link #drainWarnings()}). {@link #next()} throws only when the input cannot be read on. Not thread-safe; use it
 * from one thread.
 */
public final class MediaConverter implements AutoCloseable {
    /** Consecutive read failures after which the input counts as unreadable. */
    static final int MAX_CONSECUTIVE_READ_ERRORS = 50;
    /** Socket read timeout for network inputs, so a silent feed surfaces as an error instead of a hang. */
    static final long NETWORK_TIMEOUT_US = 2_000_000;

    private static final int MAX_PENDING_WARNINGS = 200;
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    private static final Set<String> TEXT_DEMUXERS = Set.of("tty");
    private static final int AV_FRAME_FLAG_KEY = 1 << 1;

    static {
        // Keep FFmpeg's banner and stream dump off stderr; errors still show.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String input;
    private final boolean network;
    private final String name;
    private final ConverterOptions options;
    private final FFmpegFrameGrabber grabber;
    private final MediaInfo info;
    private final VideoFeatureExtractor videoExtractor;
    private final DecodedPicture picture = new DecodedPicture();
    /** The errors the video decoder logs (damage it may not flag on any picture); null without one to watch. */
    private final DecoderErrorLog.Watch decoderErrors;
    /** {@link #decoderErrors}' count when the previous picture was read; -1 before the first picture. */
    private int decoderErrorsSeen = -1;

    private AudioBlockAccumulator audio;
    /** Media time of the latest video frame decoded, for the blocks' track skew; MIN_VALUE before the first. */
    private long lastVideoTimeUs = Long.MIN_VALUE;
    /** Beyond this the audio is not skewed against the video: the video has stopped arriving. */
    private static final long MAX_TRACK_SKEW_US = 1_000_000;
    /** The audio frame being added: its time minus {@link #lastVideoTimeUs}, in ms; NaN without flowing video. */
    private float currentTrackSkewMs = Float.NaN;

    private final Consumer<AudioBlockFeatures> emitBlock = this::emitBlock;
    private final ArrayDeque<SpecificRecord> pending = new ArrayDeque<>();
    /**
     * Records decoded after a read of a network input waited out its timeout: the decoder's last frames and the
     * partial audio block, flushed once the feed went quiet. They reach the job two seconds late, after its stall
     * watchdog has fired, and would split one outage into two stalls; so they are held, and dropped if the input
     * ends within {@value #MAX_TAIL_RECORDS} of them (a decoder holds a few frames at most). More mean the feed came
     * back at the timeout's edge: they are all sent.
     */
    private final ArrayDeque<SpecificRecord> tail = new ArrayDeque<>();

    private static final int MAX_TAIL_RECORDS = 8;
    private boolean holdingTail;
    private final List<String> warnings = new ArrayList<>();
    private int suppressedWarnings;
    private long startUs = Long.MIN_VALUE;
    private long positionUs;
    private long decodeErrors;
    private int consecutiveReadErrors;
    private boolean unsupportedFormatReported;
    private boolean ended;
    private boolean closed;

    private MediaConverter(
            String input, ConverterOptions options, FFmpegFrameGrabber grabber, MediaInfo info, long startUs) {
        this.input = input;
        this.network = isNetworkInput(input);
        this.name = input;
        this.options = options;
        this.grabber = grabber;
        this.info = info;
        this.startUs = startUs;
        this.videoExtractor =
                new VideoFeatureExtractor(options.streamId(), grabber.hasVideo() ? grabber.getVideoCodecName() : null);
        this.decoderErrors = grabber.hasVideo() ? DecoderErrorLog.watch(grabber) : null;
    }

    /**
     * Opens and probes {@code input}: a file path or an FFmpeg URL (udp://, rtp://, srt://, rtmp://, http://, tcp://).
     *
     * @throws MediaInputException with a one-line message naming the input and the cause
     */
    public static MediaConverter open(String input, ConverterOptions options) throws MediaInputException {
        boolean network = isNetworkInput(input);
        if (network && !isKnownScheme(input)) {
            throw MediaInputException.permanent(input + ": unsupported input (this FFmpeg has no protocol "
                    + input.substring(0, input.indexOf("://")) + ")");
        }
        // Before any path check: "concat:a|b" is no file name, and must not read as one.
        options.schemes().check(input);
        String scheme = InputSchemes.schemeOf(input);
        if (scheme == null || scheme.equals("file")) {
            Path path = Path.of(input.startsWith("file:") ? input.substring(5) : input);
            if (!Files.exists(path)) {
                throw new MediaInputException(input + ": no such file");
            }
            if (Files.isDirectory(path)) {
                throw new MediaInputException(input + ": is a directory, not a media file");
            }
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
        grabber.setVideoOption("threads", String.valueOf(options.decoderThreads()));
        grabber.setOption("protocol_whitelist", options.schemes().ffmpegWhitelist(input));
        if (network) {
            grabber.setOption("rw_timeout", String.valueOf(NETWORK_TIMEOUT_US));
            if (input.startsWith("udp:") || input.startsWith("tcp:")) {
                grabber.setOption("timeout", String.valueOf(NETWORK_TIMEOUT_US));
            }
        }
        try {
            grabber.start();
        } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
            String cause = FfmpegErrors.cause(e);
            // A container FFmpeg reads, holding streams it has no decoder for: say so, not "not a media file".
            String undecodable = undecodableStreams(grabber.getFormatContext());
            releaseQuietly(grabber);
            if (undecodable != null) {
                throw MediaInputException.permanent(
                        input + ": unsupported codec (this FFmpeg has no decoder for " + undecodable + ")");
            }
            if (network) {
                throw new MediaInputException(input + ": cannot open (" + cause + ")", e);
            }
            throw new MediaInputException(input + ": not a media file (" + cause + ")", e);
        }
        if (TEXT_DEMUXERS.contains(grabber.getFormat())) {
            // FFmpeg's tty demuxer renders any text file as "ANSI art" video; no broadcast input is text.
            releaseQuietly(grabber);
            throw new MediaInputException(
                    input + ": not a media file (" + FfmpegErrors.describe(avutil.AVERROR_INVALIDDATA) + ")");
        }
        if (!grabber.hasVideo() && !grabber.hasAudio()) {
            releaseQuietly(grabber);
            throw new MediaInputException(input + ": no video or audio track");
        }
        AVFormatContext context = grabber.getFormatContext();
        long duration = context.duration();
        long start = context.start_time();
        MediaInfo info = new MediaInfo(
                input,
                grabber.getFormat(),
                grabber.hasVideo(),
                grabber.hasAudio(),
                grabber.hasVideo() ? grabber.getImageWidth() : 0,
                grabber.hasVideo() ? grabber.getImageHeight() : 0,
                grabber.hasVideo() ? grabber.getVideoFrameRate() : 0,
                grabber.hasAudio() ? grabber.getSampleRate() : 0,
                grabber.hasAudio() ? grabber.getAudioChannels() : 0,
                duration == AV_NOPTS_VALUE || duration <= 0 ? -1 : duration);
        MediaConverter converter =
                new MediaConverter(input, options, grabber, info, start == AV_NOPTS_VALUE ? Long.MIN_VALUE : start);
        if (info.hasVideo() && !DecodedPicture.isSupported(grabber.getPixelFormat())) {
            converter.reportUnsupportedFormat(grabber.getPixelFormat());
        }
        String undecodable = undecodableStreams(context);
        if (undecodable != null) {
            // FFmpeg opened the input on its other streams and silently leaves these out: say which.
            converter.warn("this FFmpeg has no decoder for " + undecodable + "; it is skipped");
        }
        return converter;
    }

    /**
     * Whether this FFmpeg reads the URL's scheme: as a protocol (udp, srt, rtmp, http...) or as a demuxer that opens
     * its own connection (rtsp, sap).
     */
    private static boolean isKnownScheme(String url) {
        return avformat.avio_find_protocol_name(url) != null
                || avformat.av_find_input_format(url.substring(0, url.indexOf("://"))) != null;
    }

    /** True for inputs read over a network (anything with a URL scheme other than file:). */
    public static boolean isNetworkInput(String input) {
        int scheme = input.indexOf("://");
        return scheme > 0 && !input.startsWith("file:");
    }

    public MediaInfo info() {
        return info;
    }

    /**
     * Decodes until the next feature record is ready: a {@link VideoFrameFeatures} or an {@link AudioBlockFeatures},
     * in decode order; null at the end of the input.
     *
     * @throws MediaInputException when the input cannot be read on (e.g. {@value #MAX_CONSECUTIVE_READ_ERRORS}
     *                             read errors in a row)
     */
    public SpecificRecord next() throws MediaInputException {
        while (true) {
            if (holdingTail && !pending.isEmpty()) {
                tail.addAll(pending);
                pending.clear();
                if (tail.size() > MAX_TAIL_RECORDS) {
                    pending.addAll(tail);
                    tail.clear();
                    holdingTail = false;
                }
            }
            if (!pending.isEmpty()) {
                return pending.poll();
            }
            if (ended || closed) {
                if (!tail.isEmpty()) {
                    warn(String.format(
                            Locale.ROOT,
                            "input went quiet near %.2f s: dropped the %d records decoded after the read timed out",
                            positionUs / 1e6,
                            tail.size()));
                    tail.clear();
                }
                return null;
            }
            Frame frame;
            try {
                long readStartNs = System.nanoTime();
                frame = grabber.grab();
                if (network && (System.nanoTime() - readStartNs) / 1000 >= NETWORK_TIMEOUT_US * 9 / 10) {
                    holdingTail = true;
                }
                consecutiveReadErrors = 0;
            } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
                decodeErrors++;
                String cause = FfmpegErrors.cause(e);
                warn(String.format(Locale.ROOT, "corrupt data near %.2f s: %s", positionUs / 1e6, cause));
                if (++consecutiveReadErrors >= MAX_CONSECUTIVE_READ_ERRORS) {
                    throw new MediaInputException(name + ": cannot read on (" + cause + ")", e);
                }
                continue;
            }
            if (frame == null) {
                ended = true;
                if (audio != null && !holdingTail) {
                    audio.flush(emitBlock);
                }
                continue;
            }
            if (frame.image != null && frame.opaque instanceof AVFrame decoded) {
                VideoFrameFeatures features = video(frame, decoded);
                if (features != null) {
                    pending.add(features);
                }
            } else if (frame.samples != null && frame.samples.length > 0) {
                audio(frame);
            }
        }
    }

    private VideoFrameFeatures video(Frame frame, AVFrame decoded) {
        long timeUs = relative(frame.timestamp);
        lastVideoTimeUs = timeUs;
        try {
            picture.load(decoded);
        } catch (DecodedPicture.UnsupportedFormatException e) {
            if (!unsupportedFormatReported) {
                unsupportedFormatReported = true;
                warn(name + ": " + e.getMessage() + "; video features are skipped, audio goes on");
            }
            return null;
        }
        int errorFlags = decoded.decode_error_flags();
        if ((decoded.flags() & AV_FRAME_FLAG_CORRUPT) != 0) {
            errorFlags |= VideoFeatureExtractor.CORRUPT_FLAG;
        }
        errorFlags |= loggedErrorFlag();
        if (errorFlags != 0) {
            decodeErrors++;
            warn(String.format(
                    Locale.ROOT, "corrupt frame at %.2f s (decode error flags 0x%x)", timeUs / 1e6, errorFlags));
        }
        boolean key = frame.keyFrame || (decoded.flags() & AV_FRAME_FLAG_KEY) != 0;
        VideoFrameFeatures features = videoExtractor.extract(picture, timeUs, key, decoded.pict_type(), errorFlags);
        double fps = info.frameRate() > 0 ? info.frameRate() : 25;
        positionUs = Math.max(positionUs, timeUs + Math.round(1e6 / fps));
        return features;
    }

    /**
     * {@link VideoFeatureExtractor#DECODER_LOGGED_FLAG} when the video decoder logged an error since the previous
     * picture: it lost or concealed a picture without flagging one. The next picture out carries it (with B pictures
     * or frame threads, that may be a picture decoded a few frames before the damaged one). Errors logged before the
     * first picture do not count: a decoder joining a stream mid-GOP complains of missing headers and references
     * until it reaches a key frame, and that is the join, not damage.
     */
    private int loggedErrorFlag() {
        if (decoderErrors == null) {
            return 0;
        }
        int logged = decoderErrors.errors();
        boolean fresh = decoderErrorsSeen >= 0 && logged != decoderErrorsSeen;
        decoderErrorsSeen = logged;
        return fresh ? VideoFeatureExtractor.DECODER_LOGGED_FLAG : 0;
    }

    private void audio(Frame frame) {
        int channels = frame.audioChannels > 0 ? frame.audioChannels : info.channels();
        int rate = frame.sampleRate > 0 ? frame.sampleRate : info.sampleRate();
        if (audio == null || audio.channels() != channels || audio.sampleRate() != rate) {
            if (audio != null) {
                audio.flush(emitBlock);
                warn(String.format(
                        Locale.ROOT,
                        "audio format changed at %.2f s: %d channels at %d Hz",
                        positionUs / 1e6,
                        channels,
                        rate));
            }
            audio = new AudioBlockAccumulator(
                    options.streamId(), rate, channels, audio == null ? 0 : audio.nextSequence());
        }
        long timeUs = relative(frame.timestamp);
        // Over a second past the latest frame, the video is not flowing (ended, stalled): there is nothing to skew
        // against.
        long skewUs = timeUs - lastVideoTimeUs;
        currentTrackSkewMs =
                lastVideoTimeUs == Long.MIN_VALUE || skewUs > MAX_TRACK_SKEW_US ? Float.NaN : skewUs / 1000f;
        audio.add(frame.samples, timeUs, emitBlock);
        int samples = frame.samples.length > 1 ? frame.samples[0].remaining() : frame.samples[0].remaining() / channels;
        positionUs = Math.max(positionUs, timeUs + samples * 1_000_000L / rate);
    }

    /** A block completed by the current audio frame: it carries that frame's skew against the video. */
    private void emitBlock(AudioBlockFeatures block) {
        // Boxed here, once per block, not once per decoded audio frame.
        block.setTrackSkewMs(Float.isNaN(currentTrackSkewMs) ? null : currentTrackSkewMs);
        pending.add(block);
    }

    private long relative(long timestampUs) {
        if (startUs == Long.MIN_VALUE) {
            startUs = timestampUs;
        }
        return timestampUs - startUs;
    }

    private void reportUnsupportedFormat(int format) {
        unsupportedFormatReported = true;
        warn(name + ": unsupported pixel format " + DecodedPicture.formatName(format)
                + "; video features are skipped, audio goes on");
    }

    private void warn(String message) {
        if (warnings.size() < MAX_PENDING_WARNINGS) {
            warnings.add(message);
        } else {
            suppressedWarnings++;
        }
    }

    /** Media time reached so far (end of the last decoded frame or block), in microseconds; for progress bars. */
    public long positionUs() {
        return positionUs;
    }

    /** Warnings since the last call, one line each, e.g. "corrupt data near 12.34 s: Invalid data found...". */
    public List<String> drainWarnings() {
        List<String> drained = new ArrayList<>(warnings);
        if (suppressedWarnings > 0) {
            drained.add(suppressedWarnings + " more warnings suppressed");
            suppressedWarnings = 0;
        }
        warnings.clear();
        return drained;
    }

    /** Read errors plus frames FFmpeg flagged as corrupt or came after an error it logged, since open. */
    public long decodeErrorCount() {
        return decodeErrors;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (decoderErrors != null) {
                // Before the grabber frees the decoder whose opaque carries the watch's token.
                decoderErrors.close();
            }
            releaseQuietly(grabber);
        }
    }

    /**
     * The picture and sound streams of an opened container that this FFmpeg cannot decode ("video stream 0 (codec
     * none)"), or null when there are none or the container was not opened.
     */
    private static String undecodableStreams(AVFormatContext context) {
        if (context == null || context.isNull()) {
            return null;
        }
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < context.nb_streams(); i++) {
            AVCodecParameters codec = context.streams(i).codecpar();
            int type = codec.codec_type();
            if ((type == avutil.AVMEDIA_TYPE_VIDEO || type == avutil.AVMEDIA_TYPE_AUDIO)
                    && avcodec.avcodec_find_decoder(codec.codec_id()) == null) {
                streams.add((type == avutil.AVMEDIA_TYPE_VIDEO ? "video" : "audio") + " stream " + i + " (codec "
                        + avcodec.avcodec_get_name(codec.codec_id()).getString() + ")");
            }
        }
        return streams.isEmpty() ? null : String.join(", ", streams);
    }

    private static void releaseQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.release();
        } catch (FFmpegFrameGrabber.Exception | RuntimeException ignored) {
            // nothing left to report on an input being discarded
        }
    }
}
