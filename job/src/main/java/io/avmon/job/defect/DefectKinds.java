package io.avmon.job.defect;

import io.avmon.schema.DefectType;

/** What the lifecycle needs to know about each defect type: which records judge it, and how it is measured. */
public final class DefectKinds {
    private DefectKinds() {}

    /** Which records carry a verdict on a type. Time advances on every record of the stream regardless. */
    public enum Medium { VIDEO, AUDIO, STREAM }

    public static Medium medium(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES, FROZEN_FRAMES, COLOR_BARS, BLOCK_CORRUPTION, FRAME_DROP -> Medium.VIDEO;
            // A/V sync is judged on audio blocks: they come at a steady 10 per second whatever the picture does.
            case AUDIO_SILENCE, AUDIO_CLIPPING, AUDIO_CHANNEL_LOSS, LOUDNESS_VIOLATION, AV_SYNC_OFFSET -> Medium.AUDIO;
            case STREAM_STALL -> Medium.STREAM;
        };
    }

    /**
     * Whether a type is judged per audio channel: its records carry a verdict per channel
     * ({@link io.avmon.job.MediaEvent#channelConditions}), and each channel is its own defect with its own track.
     */
    public static boolean perChannel(DefectType type) {
        return type == DefectType.AUDIO_CHANNEL_LOSS;
    }

    /**
     * Whether a type is an instant rather than a state: the record that shows it marks a hole that ended at that
     * record (a frame drop is seen on the frame after the lost ones). Such a defect ends at the media time of the last
     * record that showed it, not at the first healthy record after it.
     */
    public static boolean instantaneous(DefectType type) {
        return type == DefectType.FRAME_DROP;
    }

    /** Unit of the event's value. */
    public static String unit(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES -> "%";
            case FROZEN_FRAMES -> "levels";
            case AUDIO_SILENCE, AUDIO_CHANNEL_LOSS -> "dBFS";
            case AUDIO_CLIPPING -> "%";
            case LOUDNESS_VIOLATION -> "LUFS";
            case COLOR_BARS -> "bars";
            case FRAME_DROP -> "frames";
            case BLOCK_CORRUPTION -> "%";
            case STREAM_STALL -> "s";
            case AV_SYNC_OFFSET -> "ms";
            default -> "";
        };
    }

    /**
     * Whether a start the detector dates back ({@link io.avmon.job.MediaEvent#conditionStartUs}) proves the condition
     * held since then, so the raise delay counts from it: a freeze (the picture is known unchanged since the key
     * frame it matched) and a frame drop (an instant). Loudness and A/V sync date where their evidence begins, but
     * the raise delay counts the readings that show the condition.
     */
    public static boolean provenFromDatedStart(DefectType type) {
        return type == DefectType.FROZEN_FRAMES || type == DefectType.FRAME_DROP;
    }

    /**
     * The event's value from the per-record measures: black is the mean black pixel share in percent; frozen
     * the mean frame-to-frame difference in 8-bit luma levels; silence the highest channel peak in dBFS seen
     * during the defect (how close it came to not being silent); channel loss likewise the lost channel's highest
     * peak; clipping the mean share of full-scale samples in the worst channel, in percent; loudness the mean of
     * the short-term readings (LUFS) during the violation, which says how far off the programme sat; colour bars the
     * most bar colours found in canonical order (5-6); frame drop the number of frames lost, summed over the event;
     * A/V sync the mean of the offset estimates (ms, positive when the audio is late) while the defect showed; block
     * corruption the mean share of the picture tiling (%) over the frames whose grid showed where, or 100 when none did.
     */
    public static Double value(DefectType type, double sum, long count, double max) {
        if (count == 0) {
            // Corruption is measured only on frames that show where it is; with none, prediction can have carried it anywhere.
            return type == DefectType.BLOCK_CORRUPTION ? 100.0 : null;
        }
        return switch (type) {
            case BLACK_FRAMES -> 100.0 * sum / count;
            case FROZEN_FRAMES -> sum / count;
            case AUDIO_SILENCE, AUDIO_CHANNEL_LOSS -> max;
            case AUDIO_CLIPPING, LOUDNESS_VIOLATION -> sum / count;
            case COLOR_BARS -> max;
            case FRAME_DROP -> sum;
            case BLOCK_CORRUPTION, AV_SYNC_OFFSET -> sum / count;
            default -> null;
        };
    }

    /** The operator that raises a type. */
    public static String detector(DefectType type) {
        return switch (type) {
            case BLACK_FRAMES -> "BlackFrameDetector";
            case FROZEN_FRAMES -> "FrozenFrameDetector";
            case AUDIO_SILENCE -> "AudioSilenceDetector";
            case AUDIO_CLIPPING -> "AudioClippingDetector";
            case AUDIO_CHANNEL_LOSS -> "AudioChannelLossDetector";
            case LOUDNESS_VIOLATION -> "LoudnessDetector";
            case COLOR_BARS -> "ColorBarsDetector";
            case FRAME_DROP -> "FrameDropDetector";
            case BLOCK_CORRUPTION -> "BlockCorruptionDetector";
            case STREAM_STALL -> "StreamStallDetector";
            case AV_SYNC_OFFSET -> "AvSyncDetector";
            default -> "DefectLifecycle";
        };
    }
}
