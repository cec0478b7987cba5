package io.avmon.job.detect;

import java.io.Serializable;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.avmon.job.MediaEvent;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.ChannelLevels;
import io.avmon.schema.DefectType;

/**
 * Silence, as ffmpeg silencedetect with noise=0.001 (-60 dBFS): a 100 ms block is silent when the sample peak
 * of every channel is below {@code maxPeakDbfs}. The peak, not the RMS, so a quiet passage (-45 dBFS RMS,
 * peaks far above -60) is never silence.
 *
 * <p>State: none. Annotates {@link DefectType#AUDIO_SILENCE}, {@link MediaEvent#silenceMeasure} (the block's
 * highest channel peak, dBFS) and {@link MediaEvent#silentChannels} (one bit per silent channel), from which a
 * later channel-loss verdict (one dead channel of a pair, ffmpeg's mono=1) can be made.
 */
public class AudioSilenceDetector extends KeyedProcessFunction<String, MediaEvent, MediaEvent> {
    private static final long serialVersionUID = 1L;

    /** @param maxPeakDbfs dBFS; a channel is silent while its sample peak stays below this */
    public record Thresholds(double maxPeakDbfs) implements Serializable {
        public static final Thresholds DEFAULTS = new Thresholds(-60.0);
    }

    private final Thresholds thresholds;
    private transient Counter recordsInspected;
    private transient Counter defectiveRecords;

    public AudioSilenceDetector(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        recordsInspected = getRuntimeContext().getMetricGroup().counter("recordsInspected");
        defectiveRecords = getRuntimeContext().getMetricGroup().counter("defectiveRecords");
    }

    @Override
    public void processElement(MediaEvent event, Context ctx, Collector<MediaEvent> out) {
        AudioBlockFeatures block = event.audio;
        if (block != null) {
            recordsInspected.inc();
            List<ChannelLevels> channels = block.getChannels();
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
            event.silentChannels = silentMask;
            event.silenceMeasure = channels.isEmpty() ? Float.NaN : loudestPeak;
            event.markCondition(DefectType.AUDIO_SILENCE, silent);
            if (silent) {
                defectiveRecords.inc();
            }
        }
        out.collect(event);
    }
}
