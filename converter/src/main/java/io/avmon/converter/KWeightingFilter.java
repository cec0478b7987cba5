package io.avmon.converter;

/**
 * The ITU-R BS.1770-4 K-weighting for one channel: a high-shelf pre-filter (+4 dB above about 1.7 kHz, modelling
 * the head) followed by the RLB high-pass (about 38 Hz). The biquad coefficients are derived for the actual sample
 * rate from the analogue prototypes' parameters (f0, gain, Q), the published derivation used by libebur128, so
 * 44.1 kHz and 96 kHz streams are weighted as correctly as 48 kHz ones. At 48 kHz this reproduces the standard's
 * coefficient table. Filter state persists across calls, so blocks join seamlessly.
 */
final class KWeightingFilter {
    // Pre-filter (high shelf), BS.1770 analogue prototype.
    private static final double SHELF_F0 = 1681.974450955533;
    private static final double SHELF_GAIN_DB = 3.999843853973347;
    private static final double SHELF_Q = 0.7071752369554196;
    // RLB weighting (high-pass).
    private static final double HIGHPASS_F0 = 38.13547087602444;
    private static final double HIGHPASS_Q = 0.5003270373238773;

    private final double sb0, sb1, sb2, sa1, sa2;
    private final double hb0, hb1, hb2, ha1, ha2;
    private double s1, s2, h1, h2; // transposed direct form II state

    KWeightingFilter(int sampleRate) {
        double k = Math.tan(Math.PI * SHELF_F0 / sampleRate);
        double vh = Math.pow(10, SHELF_GAIN_DB / 20);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / SHELF_Q + k * k;
        sb0 = (vh + vb * k / SHELF_Q + k * k) / a0;
        sb1 = 2 * (k * k - vh) / a0;
        sb2 = (vh - vb * k / SHELF_Q + k * k) / a0;
        sa1 = 2 * (k * k - 1) / a0;
        sa2 = (1 - k / SHELF_Q + k * k) / a0;

        k = Math.tan(Math.PI * HIGHPASS_F0 / sampleRate);
        double h0 = 1 + k / HIGHPASS_Q + k * k;
        hb0 = 1;
        hb1 = -2;
        hb2 = 1;
        ha1 = 2 * (k * k - 1) / h0;
        ha2 = (1 - k / HIGHPASS_Q + k * k) / h0;
    }

    /** Filters one sample and returns the K-weighted value. */
    double apply(double x) {
        double y = sb0 * x + s1;
        s1 = sb1 * x - sa1 * y + s2;
        s2 = sb2 * x - sa2 * y;
        double z = hb0 * y + h1;
        h1 = hb1 * y - ha1 * z + h2;
        h2 = hb2 * y - ha2 * z;
        return z;
    }

    void reset() {
        s1 = s2 = h1 = h2 = 0;
    }
}
