package io.avmon.converter;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;

/** Turns JavaCV/FFmpeg exceptions into a short human cause, e.g. "Connection refused". */
final class FfmpegErrors {
    private static final Pattern ERROR_CODE = Pattern.compile("error (-\\d+)");

    private FfmpegErrors() {}

    /** FFmpeg's text for the AVERROR code in the message, or the message's first line. */
    static String cause(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        Matcher matcher = ERROR_CODE.matcher(message);
        if (matcher.find()) {
            try {
                return describe(Integer.parseInt(matcher.group(1)));
            } catch (NumberFormatException ignored) {
                // fall through to the message
            }
        }
        return firstLine(message);
    }

    static String describe(int averror) {
        try (BytePointer buffer = new BytePointer(256)) {
            if (av_strerror(averror, buffer, 256) == 0) {
                String text = buffer.getString();
                int end = text.indexOf('\0');
                return (end < 0 ? text : text.substring(0, end)).trim();
            }
        }
        return "FFmpeg error " + averror;
    }

    static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
