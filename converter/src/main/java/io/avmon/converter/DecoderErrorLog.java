package io.avmon.converter;

import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.Callback_Pointer_int_BytePointer_Pointer;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * Counts the errors each video decoder logs, per stream. FFmpeg's decoders do not flag every picture they damage:
 * MPEG-2 at 1080i drops a picture whose slices it cannot parse, or conceals it, and says so only through av_log at
 * AV_LOG_ERROR ("ac-tex damaged", "Warning MVs not available", "invalid mb type"), with decode_error_flags 0 on
 * every picture it outputs. This log is the one place that damage shows.
 *
 * <p>av_log has one callback for the process, while a JVM may decode many streams ({@link StreamGroup}) and a
 * frame-threaded decoder logs from per-thread copies of its AVCodecContext. A message is attributed through the
 * context's {@code opaque}: each watched decoder's opaque is set to a token of its own, which FFmpeg copies into its
 * thread contexts before every packet. Messages from anything else (demuxers, audio decoders, unwatched
 * contexts) are only passed on. FFmpeg calls the callback for every message, whatever av_log's level: on a clean
 * 576i MPEG-TS stream about 60 a second (measured: 746 in 12 s, nearly all the demuxer's AV_LOG_TRACE lines on its
 * tables), each a JNI upcall in which JavaCPP wraps the four arguments in small objects before the level check
 * returns. Beyond that the callback allocates only for messages it passes on or counts (at av_log's level,
 * AV_LOG_ERROR unless the command line lowers it to AV_LOG_WARNING), which come with damage, not with frames.
 *
 * <p>Every message is passed on as before: to the JavaCV logger given to {@link #install(LogCallback)} (the command
 * line's route to its log file), else to FFmpeg's default callback (stderr, at av_log's level).
 */
public final class DecoderErrorLog {
    private static final ConcurrentHashMap<Long, Watch> WATCHES = new ConcurrentHashMap<>();
    /** FFmpeg's AVClass of every AVCodecContext, thread copies included: how a message's context is recognised. */
    private static final long CODEC_CLASS = avcodec.avcodec_get_class().address();

    /**
     * The platform whose va_list the relay is known to pass on correctly (see {@link Relay}): Linux on x86-64, where
     * va_list is an array (avmon's build and image target it). Elsewhere the callback is not installed and no
     * decoder is watched, so FFmpeg logs as before and damage shows only through the flags the decoder sets.
     */
    private static final boolean SUPPORTED = Loader.getPlatform().equals("linux-x86_64");

    private static final Relay RELAY = new Relay();
    private static volatile boolean installed;
    /** Whether messages go on to JavaCV's logger (set by {@link #install(LogCallback)}) instead of stderr. */
    private static volatile boolean relayToJavacv;

    private DecoderErrorLog() {}

    /**
     * Installs the callback once for the process; messages go on to {@code logger}, as JavaCV's
     * {@code FFmpegLogCallback.set()} would send them. Use this instead of that call, which would replace the
     * callback.
     */
    public static synchronized void install(LogCallback logger) {
        if (!SUPPORTED) {
            avutil.setLogCallback(logger);
            return;
        }
        avutil.logCallback(logger);
        relayToJavacv = true;
        installOnce();
    }

    private static synchronized void installOnce() {
        if (!installed && SUPPORTED) {
            avutil.av_log_set_callback(RELAY);
            installed = true;
        }
    }

    /**
     * Watches the grabber's video decoder: errors it logs from now on are counted in the returned watch. Null when the
     * grabber has no video decoder, or this JavaCV keeps it out of reach (the field is private; pinned to 1.5.12).
     * Close the watch before the grabber is released.
     */
    static Watch watch(FFmpegFrameGrabber grabber) {
        AVCodecContext context = videoContext(grabber);
        if (!SUPPORTED || context == null || context.isNull()) {
            return null;
        }
        installOnce();
        Watch watch = new Watch(context);
        WATCHES.put(watch.token.address(), watch);
        return watch;
    }

    private static AVCodecContext videoContext(FFmpegFrameGrabber grabber) {
        try {
            Field field = FFmpegFrameGrabber.class.getDeclaredField("video_c");
            field.setAccessible(true);
            return (AVCodecContext) field.get(grabber);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The errors one decoder has logged. Thread-safe: decoder threads count, the grabbing thread reads. */
    static final class Watch implements AutoCloseable {
        /** One byte of native memory whose address is the token: unique while the watch is open. */
        private final BytePointer token = new BytePointer(1);

        private final AVCodecContext context;
        private final AtomicInteger errors = new AtomicInteger();

        private Watch(AVCodecContext context) {
            this.context = context;
            context.opaque(token);
        }

        /** Errors logged since the watch began; it only grows (and wraps after 2^31, which a difference survives). */
        int errors() {
            return errors.get();
        }

        @Override
        public void close() {
            if (WATCHES.remove(token.address()) != null) {
                context.opaque(null);
                token.close();
            }
        }
    }

    private static final class Relay extends Callback_Pointer_int_BytePointer_Pointer {
        @Override
        public void call(Pointer context, int level, BytePointer format, Pointer arguments) {
            if ((level & 0xFF) <= avutil.av_log_get_level()) {
                // Passed on only at av_log's level, where the default callback would print it: a quieter message
                // costs no formatting. JavaCPP hands this callback the address of its va_list argument, where the
                // functions below take the va_list itself: on x86-64 (an array type, passed as a pointer), that is
                // one dereference. Passing the address on crashes in vsnprintf.
                Pointer va = new PointerPointer<>(arguments).get(0);
                if (relayToJavacv) {
                    avutil.log_callback(context, level, format, va);
                } else {
                    avutil.av_log_default_callback(context, level, format, va);
                }
            }
            // The low byte is the level; AV_LOG_C puts a colour above it.
            if ((level & 0xFF) > avutil.AV_LOG_ERROR || context == null || context.isNull() || WATCHES.isEmpty()) {
                return;
            }
            // Every AVClass-enabled struct starts with its AVClass pointer.
            if (new PointerPointer<>(context).get(0).address() != CODEC_CLASS) {
                return;
            }
            Pointer opaque = new AVCodecContext(context).opaque();
            Watch watch = opaque == null ? null : WATCHES.get(opaque.address());
            if (watch != null) {
                watch.errors.incrementAndGet();
            }
        }
    }
}
