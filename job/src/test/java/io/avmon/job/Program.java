package io.avmon.job;

import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.StreamStatus;
import io.avmon.schema.VideoFrameFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;
import org.apache.avro.specific.SpecificRecord;

/** A stream's records as the converter sends them: 25 fps video and 100 ms audio blocks, interleaved by ingest time. */
public final class Program {
    /** Audio levels of one block, per channel: RMS and sample peak (dBFS) and samples at full scale. */
    public record Levels(float[] rmsDbfs, float[] peakDbfs, int[] nearFullScaleSamples) {
        /** Stereo, both channels alike, nothing at full scale. */
        public Levels(float rmsDbfs, float peakDbfs) {
            this(new float[] {rmsDbfs, rmsDbfs}, new float[] {peakDbfs, peakDbfs}, new int[2]);
        }
    }

    /** Programme near the EBU R128 target: -22.7 LUFS short-term (-25 dBFS RMS per channel), peaks at -6 dBFS. */
    public static final Levels PROGRAMME_AUDIO = new Levels(-25f, -6f);
    /** A quiet scene: -42.7 LUFS (-45 dBFS RMS), peaks far above the -60 dBFS silence threshold. */
    public static final Levels QUIET_PASSAGE = new Levels(-45f, -32f);

    public static final Levels SILENCE = new Levels(-120f, -120f);

    private Program() {}

    /** Records for media time [0, durationMs), with the picture and sound chosen per media ms. */
    public static List<SpecificRecord> of(
            String streamId, long durationMs, LongFunction<Features.Picture> picture, LongFunction<Levels> sound) {
        List<SpecificRecord> records = new ArrayList<>();
        for (long seq = 0; seq * 40 < durationMs; seq++) {
            records.add(Features.frame(streamId, seq, picture.apply(seq * 40)));
        }
        for (long seq = 0; seq * 100 < durationMs; seq++) {
            Levels l = sound.apply(seq * 100);
            records.add(Features.block(streamId, seq, l.rmsDbfs(), l.peakDbfs(), l.nearFullScaleSamples()));
        }
        records.sort(Comparator.comparingLong(Program::ingestTime));
        return records;
    }

    public static long ingestTime(SpecificRecord r) {
        if (r instanceof VideoFrameFeatures v) return v.getIngestTimeMs();
        if (r instanceof AudioBlockFeatures a) return a.getIngestTimeMs();
        return ((StreamStatus) r).getIngestTimeMs();
    }
}
