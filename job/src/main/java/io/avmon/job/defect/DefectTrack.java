package io.avmon.job.defect;

import io.avmon.schema.DefectType;
import io.avmon.schema.Severity;

/**
 * One defect (a candidate, then an open defect) of one type on one channel of one stream: the lifecycle's
 * keyed state, a Flink POJO. Times are media ms unless named wall (epoch ms) or processing.
 */
public class DefectTrack {
    public static final long NONE = Long.MIN_VALUE;

    public DefectType defectType;
    /** Audio channel from 0, or -1 for defects of the whole stream. */
    public int channel = -1;

    public long startMediaMs;
    /** Media time of the first record that showed the condition, from which the raise delay counts. */
    public long raiseFromMediaMs = NONE;

    public long startWallMs;
    /** Latest media time seen on the stream while this track existed (time advances on every record). */
    public long latestMediaMs;

    public long latestWallMs;
    public boolean open;
    /** The severity the defect OPENED with; its CLOSED carries the same, whatever the profile says by then. */
    public Severity severity;
    /** Media time of the first healthy record after the last defective one; NONE while defective. */
    public long clearSinceMediaMs = NONE;

    public long clearSinceWallMs = NONE;
    /** Media time of the last record that showed the condition (used to end instantaneous types); NONE before. */
    public long lastShownMediaMs = NONE;

    public long lastShownWallMs = NONE;
    public double measureSum;
    public long measureCount;
    public double measureMax = Double.NEGATIVE_INFINITY;
    /** Processing time of the last record seen, for dropping state of streams that vanished. */
    public long lastActivityProcessingMs;

    public DefectTrack() {}

    boolean clearing() {
        return clearSinceMediaMs != NONE;
    }

    void addMeasure(double measure) {
        if (!Double.isNaN(measure)) {
            measureSum += measure;
            measureCount++;
            measureMax = Math.max(measureMax, measure);
        }
    }

    /** Map key of a track within its stream. */
    static int key(DefectType type, int channel) {
        return type.ordinal() << 16 | (channel + 1);
    }
}
