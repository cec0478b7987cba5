package io.avmon.benchmarks.capacity;

import io.avmon.converter.FeatureSink;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Feature records for N synthetic streams at 25 frames and 10 audio blocks a second each, as a fleet of converters
 * writes them: each stream replays a {@link FeatureTemplate} made by the real converter, from its own point in the
 * loop, so thumbnails and measures are real and the streams' defects are spread over time. A share of the
 * streams replays the template with black picture, so at any moment a few per cent are in a defect, opening and
 * closing every loop.
 *
 * <p>Records go out in time order across streams, 100 ms at a time, as the converters' clocks would interleave
 * them in Kafka. A record is sent before the next one is set up, so one mutable copy of each template record is
 * enough: the sink (FeaturePublisher) encodes it on send.
 */
final class LoadGenerator {

    /** Every stream's records per second: 25 frames and 10 audio blocks of 100 ms. */
    static final int RECORDS_PER_STREAM_SECOND = 35;

    private static final long STEP_US = 100_000;

    private final FeatureTemplate clean;
    private final FeatureTemplate withBlack;
    private final Stream[] streams;

    /**
     * @param defectiveShare share of the streams (0..1) whose picture goes black for 4 s in every 20 s loop
     */
    LoadGenerator(FeatureTemplate clean, FeatureTemplate withBlack, int streamCount, double defectiveShare, long seed) {
        if (streamCount < 1 || defectiveShare < 0 || defectiveShare > 1) {
            throw new IllegalArgumentException("streams >= 1 and a defective share in 0..1");
        }
        this.clean = clean;
        this.withBlack = withBlack;
        Random random = new Random(seed);
        streams = new Stream[streamCount];
        int defective = (int) Math.round(streamCount * defectiveShare);
        for (int i = 0; i < streamCount; i++) {
            FeatureTemplate template = i < defective ? withBlack : clean;
            long phaseUs = (random.nextLong(template.durationUs()) / 40_000) * 40_000;
            streams[i] = new Stream(String.format("load-%05d", i), template, phaseUs);
        }
    }

    int streamCount() {
        return streams.length;
    }

    int defectiveStreams() {
        int n = 0;
        for (Stream stream : streams) {
            n += stream.template == withBlack ? 1 : 0;
        }
        return n;
    }

    /**
     * Writes {@code seconds} of every stream as fast as the sink takes them, with ingest times from
     * {@code startMs} on: a backlog the job then reads at its own pace. Returns the records written.
     */
    long writeBacklog(FeatureSink sink, long startMs, int seconds) {
        long records = 0;
        for (long elapsedUs = 0; elapsedUs < seconds * 1_000_000L; elapsedUs += STEP_US) {
            records += step(sink, startMs, elapsedUs);
        }
        return records;
    }

    /** Writes in real time, each 100 ms of every stream when the wall clock reaches it, until told to stop. */
    long writeLive(FeatureSink sink, BooleanSupplier keepGoing) throws InterruptedException {
        long startMs = System.currentTimeMillis();
        long records = 0;
        for (long elapsedUs = 0; keepGoing.getAsBoolean(); elapsedUs += STEP_US) {
            long dueMs = startMs + elapsedUs / 1000;
            long waitMs = dueMs - System.currentTimeMillis();
            if (waitMs > 0) {
                Thread.sleep(waitMs);
            }
            records += step(sink, startMs, elapsedUs);
        }
        return records;
    }

    /** Every stream's records of [elapsedUs, elapsedUs + 100 ms). */
    private long step(FeatureSink sink, long startMs, long elapsedUs) {
        long records = 0;
        long endUs = elapsedUs + STEP_US;
        for (Stream stream : streams) {
            records += stream.sendUntil(sink, startMs, endUs);
        }
        return records;
    }

    /** One stream's place in its template's loop: a cursor over its video and one over its audio. */
    private static final class Stream {
        private final String id;
        private final FeatureTemplate template;
        private final long phaseUs;
        private final Cursor<VideoFrameFeatures> video;
        private final Cursor<AudioBlockFeatures> audio;

        Stream(String id, FeatureTemplate template, long phaseUs) {
            this.id = id;
            this.template = template;
            this.phaseUs = phaseUs;
            this.video = new Cursor<>(template.video(), VIDEO, phaseUs);
            this.audio = new Cursor<>(template.audio(), AUDIO, phaseUs);
        }

        /** Sends this stream's records whose time since the generator's start is below {@code endUs}. */
        int sendUntil(FeatureSink sink, long startMs, long endUs) {
            long loopUs = template.durationUs();
            return video.sendUntil(sink, id, phaseUs, loopUs, startMs, endUs)
                    + audio.sendUntil(sink, id, phaseUs, loopUs, startMs, endUs);
        }
    }

    /** How one kind of record moves to a stream and a later loop, is sent, and is put back as it was. */
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
