package io.avmon.testmedia;

/**
 * Encoded video damaged as packet loss leaves it: the slice data of every predicted picture (P or B, never a key
 * frame) shown in {@code [atSeconds, atSeconds + durationSeconds)} is overwritten in the MPEG-TS file, TS and PES
 * headers intact, so the decoder conceals what it cannot parse and the damage propagates by prediction until the
 * next key frame. MPEG-TS output only.
 */
public record BitstreamDamage(double atSeconds, double durationSeconds) {
    public BitstreamDamage {
        if (!(atSeconds >= 0) || !(durationSeconds > 0)) {
            throw new IllegalArgumentException(
                    "damage needs a time >= 0 and a positive duration: " + atSeconds + ", " + durationSeconds);
        }
    }
}
