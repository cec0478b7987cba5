package io.avmon.job.detect;

import java.util.Arrays;

/**
 * The timestamp path of the A/V sync estimate, per stream (a Flink POJO inside {@link AvSyncDetector.Sync}).
 *
 * <p>The converter stamps each audio block with its track skew: how far the audio's timestamps run ahead of the
 * video's at the point where the two were demuxed. A muxer interleaves the tracks of a healthy stream by a steady
 * amount (about 80 ms for ffmpeg's MPEG-TS muxer, with a few tens of ms of jitter from the frame grids), so the
 * skew stays put. When a device on the way re-stamps one track (a delay switched into the audio path, a
 * transcoder restarting with another offset), the packets keep their place and the timestamps move: the skew
 * steps by exactly the offset the viewer sees, whatever the content, where the content path needs flashes and
 * beeps.
 *
 * <p>The baseline is the median skew of the stream's first {@code baselineBlocks}; the offset is the median of the
 * last {@code windowBlocks} minus the baseline. So it reports a change since the stream began, and a stream that
 * starts out of sync is left to the content path. A jump or a reversal of the media clock (a reconnect, a new
 * session) starts a new baseline.
 */
public class TrackSkew {
    private static final long NONE = Long.MIN_VALUE;
    /** A media-time step beyond this between blocks is a new session, not a stretch of the same one. */
    private static final long MAX_BLOCK_STEP_US = 1_000_000;

    public float[] baselineMs;
    public int baselineCount;
    public float baselineMedianMs = Float.NaN;
    public float[] windowMs;
    /** Media µs of each block in {@link #windowMs}. */
    public long[] windowTimesUs;

    public int windowCount;
    public int nextInWindow;
    public long lastBlockUs = NONE;

    public TrackSkew() {}

    /**
     * Takes one block's skew and returns the offset it gives (ms, positive when the audio is late), or NaN while the
     * baseline is being learnt. {@code scratch} holds at least {@code max(baselineBlocks, windowBlocks)} floats.
     */
    float add(float skewMs, long blockUs, int baselineBlocks, int windowBlocks, float[] scratch) {
        boolean newSession =
                lastBlockUs != NONE && (blockUs < lastBlockUs || blockUs - lastBlockUs > MAX_BLOCK_STEP_US);
        if (baselineMs == null
                || baselineMs.length != baselineBlocks
                || windowMs == null
                || windowMs.length != windowBlocks
                || windowTimesUs == null
                || newSession) {
            baselineMs = new float[baselineBlocks];
            windowMs = new float[windowBlocks];
            windowTimesUs = new long[windowBlocks];
            baselineCount = 0;
            windowCount = 0;
            nextInWindow = 0;
            baselineMedianMs = Float.NaN;
        }
        lastBlockUs = blockUs;
        if (baselineCount < baselineMs.length) {
            baselineMs[baselineCount++] = skewMs;
            if (baselineCount == baselineMs.length) {
                baselineMedianMs = median(baselineMs, baselineCount, scratch);
            }
            return Float.NaN;
        }
        windowMs[nextInWindow] = skewMs;
        windowTimesUs[nextInWindow] = blockUs;
        nextInWindow = (nextInWindow + 1) % windowMs.length;
        windowCount = Math.min(windowCount + 1, windowMs.length);
        return median(windowMs, windowCount, scratch) - baselineMedianMs;
    }

    /**
     * The media time of the earliest block in the window whose own offset lies beyond {@code limitMs} on the side of
     * {@code offsetMs} (where the step began), or NONE.
     */
    long stepStartUs(float offsetMs, double limitMs) {
        long start = NONE;
        for (int i = 0; i < windowCount; i++) {
            float own = windowMs[i] - baselineMedianMs;
            boolean beyond = offsetMs > 0 ? own > limitMs : own < -limitMs;
            if (beyond && (start == NONE || windowTimesUs[i] < start)) {
                start = windowTimesUs[i];
            }
        }
        return start;
    }

    private static float median(float[] values, int count, float[] scratch) {
        System.arraycopy(values, 0, scratch, 0, count);
        Arrays.sort(scratch, 0, count);
        return count % 2 == 1 ? scratch[count / 2] : (scratch[count / 2 - 1] + scratch[count / 2]) / 2;
    }
}
