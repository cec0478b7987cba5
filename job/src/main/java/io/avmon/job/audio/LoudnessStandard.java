package io.avmon.job.audio;

/** The programme loudness targets a channel is held to. */
public enum LoudnessStandard {
    /** EBU R128 (Europe): -23 LUFS integrated. */
    EBU_R128(-23.0),
    /** ATSC A/85 (US, the CALM Act): -24 LKFS integrated. LKFS and LUFS are the same scale. */
    ATSC_A85(-24.0);

    private final double targetLufs;

    LoudnessStandard(double targetLufs) {
        this.targetLufs = targetLufs;
    }

    public double targetLufs() {
        return targetLufs;
    }
}
