package io.avmon.job.detect;

import io.avmon.job.audio.ChannelLayout;
import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;
import java.util.List;

/**
 * Loss of one audio channel, which all-channel silence checks miss (ffmpeg silencedetect's mono=1 case): in a
 * 100 ms block, channel c is lost when its sample peak is below {@code maxSilentPeakDbfs} (silencedetect's
 * -60 dBFS) while some other channel's peak is above {@code minSoundingPeakDbfs}. The 10 dB between the two keeps
 * a quiet passage whose channels differ a little (one at -58, one at -62 dBFS) from counting as a loss.
 *
 * <ul>
 *   <li>All channels silent is AUDIO_SILENCE, never channel loss: no channel carries sound.</li>
 *   <li>Mono has no other channel, so it never loses one.</li>
 *   <li>In 5.0, 5.1 and 7.1 the LFE and the surrounds are silent through much ordinary programme (dialogue
 *       scenes, stereo up-mixed), so they are judged only when {@code judgeLfeAndSurrounds} is set. They still
 *       count as carrying sound for the front channels.</li>
 * </ul>
 * Each lost channel is its own defect: the lifecycle keeps one track per (type, channel).
 *
 * <p>State: none. Annotates {@link DefectType#AUDIO_CHANNEL_LOSS} (set when any channel is lost) and
 * its channel verdicts ({@link MediaEvent#markChannels}, one bit per lost channel, up to 32 channels). The defect's measure is the lost
 * channel's peak, read from the block.
 */
public class AudioChannelLossDetector extends Detector<AudioChannelLossDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param maxSilentPeakDbfs    dBFS; a channel whose sample peak stays below this is silent
     * @param minSoundingPeakDbfs  dBFS; a channel whose sample peak is above this carries sound
     * @param judgeLfeAndSurrounds whether the LFE and surround channels of 5.0/5.1/7.1 can be reported lost
     */
    public record Thresholds(
            @Range(min = -150, max = 0) double maxSilentPeakDbfs,
            @Range(min = -150, max = 0) double minSoundingPeakDbfs,
            boolean judgeLfeAndSurrounds)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(-60.0, -50.0, false);
    }

    public AudioChannelLossDetector(Thresholds thresholds) {
        super(DefectType.AUDIO_CHANNEL_LOSS, thresholds);
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.audio != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        int lost = lostChannels(event.audio.getChannels());
        event.markChannels(type, lost);
        event.markCondition(DefectType.AUDIO_CHANNEL_LOSS, lost != 0);
        return lost != 0;
    }

    private int lostChannels(List<ChannelLevels> channels) {
        int count = Math.min(channels.size(), Integer.SIZE);
        int silent = 0;
        int sounding = 0;
        for (int c = 0; c < count; c++) {
            float peak = channels.get(c).getPeakDbfs();
            if (peak < thresholds.maxSilentPeakDbfs() && isJudged(c, count)) {
                silent |= 1 << c;
            } else if (peak > thresholds.minSoundingPeakDbfs()) {
                sounding |= 1 << c;
            }
        }
        // Lost only beside a channel that sounds; silent and sounding are disjoint, so "another" holds.
        return sounding != 0 ? silent : 0;
    }

    private boolean isJudged(int channel, int count) {
        return thresholds.judgeLfeAndSurrounds()
                || !(ChannelLayout.isLfe(channel, count) || ChannelLayout.isSurround(channel, count));
    }
}
