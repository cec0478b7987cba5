package io.avmon.job.detect;

import io.avmon.job.core.DetectorThresholds;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.core.Range;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;
import java.util.List;

/**
 * Clipping: sustained runs of samples at full scale, not the odd peak that touches it. A 100 ms block clips when
 * some channel has, at the same time:
 * <ul>
 *   <li>a sample peak at or above {@code minPeakDbfs} (the converter counts |x| >= 0.999, -0.009 dBFS, as full
 *       scale; the peak check guards against a count that disagrees with the peak);</li>
 *   <li>at least {@code minFullScaleShare} of its samples at full scale (0.1%: 5 of the 4800 samples of a
 *       48 kHz block), and at least {@code minFullScaleSamples} of them: the "three consecutive full-scale
 *       samples" rule of digital peak meters, which keeps a single touch at low sample rates from counting.</li>
 * </ul>
 * A handful of full-scale samples in 100 ms is a transient the limiter let through; a loud but legal master
 * (peaks at -1 dBFS) has none. The lifecycle's minimum duration (default 1 s) turns blocks into a defect, so
 * only clipping that goes on is reported, as astats' flat factor would show it.
 *
 * <p>State: none. Annotates {@link DefectType#AUDIO_CLIPPING} and its measure: the worst
 * channel's share of full-scale samples, in percent.
 */
public class AudioClippingDetector extends Detector<AudioClippingDetector.Thresholds> {
    private static final long serialVersionUID = 1L;

    /**
     * @param minFullScaleShare   0-1, share of a channel's samples in the block with |x| >= 0.999
     * @param minFullScaleSamples samples, the least count that can be clipping whatever the block length
     * @param minPeakDbfs         dBFS, the channel's sample peak must reach this
     */
    public record Thresholds(
            @Range(min = 0, max = 1) double minFullScaleShare,
            @Range(min = 1, max = 1_000_000) int minFullScaleSamples,
            @Range(min = -60, max = 0) double minPeakDbfs)
            implements DetectorThresholds {
        public static final Thresholds DEFAULTS = new Thresholds(0.001, 3, -0.1);
    }

    public AudioClippingDetector(Thresholds thresholds) {
        super(DefectType.AUDIO_CLIPPING, thresholds);
    }

    @Override
    protected boolean inspects(MediaEvent event) {
        return event.audio != null;
    }

    @Override
    protected boolean annotate(MediaEvent event) throws Exception {
        List<ChannelLevels> channels = event.audio.getChannels();
        int samples = event.audio.getSampleCount();
        double worstShare = 0;
        boolean clipping = false;
        for (int c = 0; c < channels.size() && samples > 0; c++) {
            ChannelLevels channel = channels.get(c);
            int fullScale = channel.getNearFullScaleSamples();
            double share = (double) fullScale / samples;
            worstShare = Math.max(worstShare, share);
            if (fullScale >= thresholds.minFullScaleSamples()
                    && share >= thresholds.minFullScaleShare()
                    && channel.getPeakDbfs() >= thresholds.minPeakDbfs()) {
                clipping = true;
            }
        }
        event.setMeasure(type, (float) (100.0 * worstShare));
        event.markCondition(DefectType.AUDIO_CLIPPING, clipping);
        return clipping;
    }
}
