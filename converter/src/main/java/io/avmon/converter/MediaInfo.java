package io.avmon.converter;

/**
 * What an opened input carries.
 *
 * @param input      the input as given (path or URL)
 * @param formatName FFmpeg's demuxer name, e.g. "mpegts"
 * @param frameRate  nominal video frame rate, 0 without video
 * @param durationUs container duration in microseconds, -1 if unknown (live inputs)
 */
public record MediaInfo(
        String input,
        String formatName,
        boolean hasVideo,
        boolean hasAudio,
        int width,
        int height,
        double frameRate,
        int sampleRate,
        int channels,
        long durationUs) {}
