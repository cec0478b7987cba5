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
 * <p>A skew is a sample of the interleave only while the picture keeps pace with the sound. Its block's time minus
 * the skew is the time of the latest picture when the block was demuxed; a stretch of blocks over which that time
 * advances less than half as fast as the sound is one sample, the stretch's latest block (its skew is kept, the
 * others replaced):
 * <ul>
 *   <li>A muxer writes sound in bursts (ffmpeg's MPEG-TS muxer packs about 3 KB of it into each PES packet): the blocks
 *       of one burst are demuxed between the same two pictures, and their skews climb by the burst's length. Over
 *       digital silence an AAC frame shrinks to a few bytes and a burst grows from about 0.2 s to 0.4 s, so the
 *       median of every block's skew falls by about 100 ms where the sound cuts to silence, with no change in sync
 *       (Debian's ffmpeg, x264 with AAC: see benchmarks/results/unseen-media.md). The latest block of each burst
 *       is demuxed just before the next picture, at the muxer's steady interleave, whatever the burst's length.</li>
 *   <li>Frames missing from the picture (a drop or a stall upstream, timestamps kept) leave the latest picture
 *       behind while the sound runs on: the skew climbs by the length of the hole. That is no sync offset, and the
 *       whole hole is one sample, which the median leaves out.</li>
 * </ul>
 * The baseline is the median of the stream's first {@code baselineBlocks} samples; the offset is the median of the
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
    /** Media µs of each sample's latest block in {@link #windowMs}. */
    public long[] windowTimesUs;
    /**
     * Media µs of each sample's first block: where an offset is dated from. A burst's blocks, or the first moved
     * timestamps with the blocks before them, make one sample whose latest block comes up to a few tenths of a second
     * after the change.
     */
    public long[] windowStartsUs;

    public int windowCount;
    public int nextInWindow;
    public long lastBlockUs = NONE;
    /** The latest sample's first block (media µs) and the latest picture's time then (µs); NONE before any. */
    public long sampleStartUs = NONE;

    public long sampleVideoUs = NONE;

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
                || windowStartsUs == null
                || newSession) {
            baselineMs = new float[baselineBlocks];
            windowMs = new float[windowBlocks];
            windowTimesUs = new long[windowBlocks];
            windowStartsUs = new long[windowBlocks];
            baselineCount = 0;
            windowCount = 0;
            nextInWindow = 0;
            baselineMedianMs = Float.NaN;
        }
        lastBlockUs = blockUs;
        long videoUs = blockUs - Math.round(skewMs * 1000.0);
        // The same sample while the picture fell behind the sound since the sample began (see the class comment).
        boolean sameSample = !newSession
                && sampleStartUs != NONE
                && 2 * (videoUs - sampleVideoUs) < blockUs - sampleStartUs
                && (baselineCount > 0 || windowCount > 0);
        if (!sameSample) {
            sampleStartUs = blockUs;
            sampleVideoUs = videoUs;
        }
        if (baselineCount < baselineMs.length || (sameSample && windowCount == 0)) {
            if (sameSample) {
                baselineMs[baselineCount - 1] = skewMs;
            } else {
                baselineMs[baselineCount++] = skewMs;
            }
            if (baselineCount == baselineMs.length) {
                baselineMedianMs = median(baselineMs, baselineCount, scratch);
            }
            return Float.NaN;
        }
        int slot = sameSample ? (nextInWindow + windowMs.length - 1) % windowMs.length : nextInWindow;
        windowMs[slot] = skewMs;
        windowTimesUs[slot] = blockUs;
        windowStartsUs[slot] = sampleStartUs;
        if (!sameSample) {
            nextInWindow = (nextInWindow + 1) % windowMs.length;
            windowCount = Math.min(windowCount + 1, windowMs.length);
        }
        return offset(scratch);
    }

    /**
     * Drops the window's samples taken from {@code fromUs} to {@code toUs} (media µs): frames were missing from the
     * picture then, so their skews measure the hole, not the interleave.
     */
    void discard(long fromUs, long toUs) {
        for (int i = 0; i < windowCount; i++) {
            if (windowTimesUs[i] >= fromUs && windowTimesUs[i] <= toUs) {
                windowMs[i] = Float.NaN;
            }
        }
    }

    /**
     * The offset the window's samples give now (ms), or NaN until the window is full, and when holes left fewer than
     * half of it. A window of one would be the newest sample alone, which holds a burst's first block until its
     * last replaces it.
     */
    float offset(float[] scratch) {
        if (windowMs == null || windowCount < windowMs.length) {
            return Float.NaN;
        }
        int valid = 0;
        for (int i = 0; i < windowCount; i++) {
            if (!Float.isNaN(windowMs[i])) {
                scratch[valid++] = windowMs[i];
            }
        }
        return 2 * valid <= windowCount ? Float.NaN : median(scratch, valid, scratch) - baselineMedianMs;
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
            if (beyond && (start == NONE || windowStartsUs[i] < start)) {
                start = windowStartsUs[i];
            }
        }
        return start;
    }

    private static float median(float[] values, int count, float[] scratch) {
        if (values != scratch) {
            System.arraycopy(values, 0, scratch, 0, count);
        }
        Arrays.sort(scratch, 0, count);
        return count % 2 == 1 ? scratch[count / 2] : (scratch[count / 2 - 1] + scratch[count / 2]) / 2;
    }
}
