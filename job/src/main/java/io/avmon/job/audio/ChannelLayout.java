package io.avmon.job.audio;

/**
 * What each channel index is, in FFmpeg's default channel order for a channel count (the converter keeps the
 * decoder's order): 5.0 is FL FR FC BL BR; 5.1 is FL FR FC LFE BL BR; 7.1 is FL FR FC LFE BL BR SL SR. Other
 * counts (mono, stereo, 3.0, quad ...) are treated as front channels only.
 */
public final class ChannelLayout {
    private ChannelLayout() {}

    /** The low-frequency effects channel: band-limited, silent through most programme, excluded from loudness. */
    public static boolean isLfe(int index, int channelCount) {
        return (channelCount == 6 || channelCount == 8) && index == 3;
    }

    /** A surround (back or side) channel: BS.1770 weighs it 1.41, and it is legitimately silent in many scenes. */
    public static boolean isSurround(int index, int channelCount) {
        return switch (channelCount) {
            case 5 -> index >= 3;
            case 6, 8 -> index >= 4;
            default -> false;
        };
    }
}
