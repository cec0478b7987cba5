package io.avmon.benchmarks.capacity;

import io.avmon.converter.FeatureSink;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import java.util.List;

/**
 * One synthetic stream: a {@link FeatureTemplate} replayed in a loop from a point in it, as a live converter would
 * send it, each record retimed to the stream, its loop and its ingest time. A record is sent before the next one
 * is set up, so one mutable copy of each template record serves every stream: the sink encodes it on send.
 */
public final class StreamPlayback {
    private final String id;
    private final FeatureTemplate template;
    private final long phaseUs;
    private final Cursor<VideoFrameFeatures> video;
    private final Cursor<AudioBlockFeatures> audio;

    /** Stream {@code id} playing {@code template} from {@code phaseUs} into its loop. */
    public StreamPlayback(String id, FeatureTemplate template, long phaseUs) {
        this.id = id;
        this.template = template;
        this.phaseUs = phaseUs;
        this.video = new Cursor<>(template.video(), VIDEO, phaseUs);
        this.audio = new Cursor<>(template.audio(), AUDIO, phaseUs);
    }

    public FeatureTemplate template() {
        return template;
    }

    /**
     * Sends this stream's records whose time since its start is below {@code endUs}, with ingest times from
     * {@code startMs} on; returns how many.
     */
    public int sendUntil(FeatureSink sink, long startMs, long endUs) {
        long loopUs = template.durationUs();
        return video.sendUntil(sink, id, phaseUs, loopUs, startMs, endUs)
                + audio.sendUntil(sink, id, phaseUs, loopUs, startMs, endUs);
    }

    private interface Retiming<R> {
        long mediaTimeUs(R record);

        void send(R record, String streamId, long shiftUs, long sequenceShift, long ingestMs, FeatureSink sink);
    }

    private static final Retiming<VideoFrameFeatures> VIDEO = new Retiming<>() {
        @Override
        public long mediaTimeUs(VideoFrameFeatures frame) {
            return frame.getMediaTimeUs();
        }

        @Override
        public void send(
                VideoFrameFeatures frame,
                String streamId,
                long shiftUs,
                long sequenceShift,
                long ingestMs,
                FeatureSink sink) {
            long mediaUs = frame.getMediaTimeUs();
            long sequence = frame.getSequence();
            frame.setStreamId(streamId);
            frame.setMediaTimeUs(mediaUs + shiftUs);
            frame.setSequence(sequence + sequenceShift);
            frame.setIngestTimeMs(ingestMs);
            sink.send(frame);
            frame.setMediaTimeUs(mediaUs);
            frame.setSequence(sequence);
        }
    };

    private static final Retiming<AudioBlockFeatures> AUDIO = new Retiming<>() {
        @Override
        public long mediaTimeUs(AudioBlockFeatures block) {
            return block.getMediaTimeUs();
        }

        @Override
        public void send(
                AudioBlockFeatures block,
                String streamId,
                long shiftUs,
                long sequenceShift,
                long ingestMs,
                FeatureSink sink) {
            long mediaUs = block.getMediaTimeUs();
            long sequence = block.getSequence();
            Long onsetUs = block.getOnsetTimeUs();
            block.setStreamId(streamId);
            block.setMediaTimeUs(mediaUs + shiftUs);
            block.setSequence(sequence + sequenceShift);
            block.setIngestTimeMs(ingestMs);
            // The onset is a media time too: it moves with its block.
            block.setOnsetTimeUs(onsetUs == null ? null : onsetUs + shiftUs);
            sink.send(block);
            block.setMediaTimeUs(mediaUs);
            block.setSequence(sequence);
            block.setOnsetTimeUs(onsetUs);
        }
    };

    /** Where a stream is in one track of its template, and how many loops it has played. */
    private static final class Cursor<R> {
        private final List<R> records;
        private final Retiming<R> retiming;
        private int index;
        private int loop;

        Cursor(List<R> records, Retiming<R> retiming, long phaseUs) {
            this.records = records;
            this.retiming = retiming;
            while (index < records.size() && retiming.mediaTimeUs(records.get(index)) < phaseUs) {
                index++;
            }
        }

        int sendUntil(FeatureSink sink, String streamId, long phaseUs, long loopUs, long startMs, long endUs) {
            int sent = 0;
            while (true) {
                if (index == records.size()) {
                    index = 0;
                    loop++;
                }
                R record = records.get(index);
                long shiftUs = loop * loopUs;
                long elapsedUs = retiming.mediaTimeUs(record) + shiftUs - phaseUs;
                if (elapsedUs >= endUs) {
                    return sent;
                }
                retiming.send(
                        record, streamId, shiftUs, (long) loop * records.size(), startMs + elapsedUs / 1000, sink);
                index++;
                sent++;
            }
        }
    }
}
