package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;
import java.util.List;

/**
 * Silence, as ffmpeg silencedetect with noise=0.001 (-60 dBFS): a 100 ms block is silent when the sample peak
 * of every channel is below {@code maxPeakDbfs}. The peak, not the RMS, so a quiet passage (-45 dBFS RMS,
 * peaks far above -60) is never silence.
 *
 * <p>State: none. Annotates {@link DefectType#AUDIO_SILENCE}, and its measure (the block's
 * highest channel peak, dBFS). One dead channel of a pair (ffmpeg's mono=1) is {@link AudioChannelLossDetector}'s.
 */
public class AudioSilenceDetector extends Detector<AudioSilenceDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /** @param maxPeakDbfs dBFS; a channel is silent while its sample peak stays below this */
    public record Thresholds(@Range(min = -150, max = 0) double maxPeakDbfs) implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(-60.0);
    }

    public AudioSilenceDetector(Thresholds thresholds) {
        super(DefectType.AUDIO_SILENCE, thresholds);
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.audio != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        List<ChannelLevels> channels = event.audio.getChannels();
        float loudestPeak = -Float.MAX_VALUE;
        int silentMask = 0;
        for (int c = 0; c < channels.size(); c++) {
            float peak = channels.get(c).getPeakDbfs();
            loudestPeak = Math.max(loudestPeak, peak);
            if (peak < thresholds.maxPeakDbfs() && c < Integer.SIZE) {
                silentMask |= 1 << c;
            }
        }
        // A block without channels is malformed, not silent.
        boolean silent = !channels.isEmpty() && loudestPeak < thresholds.maxPeakDbfs();
        event.setMeasure(type, channels.isEmpty() ? Float.NaN : loudestPeak);
        event.markCondition(DefectType.AUDIO_SILENCE, silent);
        return silent;
    }
}
