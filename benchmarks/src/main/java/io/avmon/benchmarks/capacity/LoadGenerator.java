package io.avmon.benchmarks.capacity;

import io.avmon.converter.FeatureSink;
import io.avmon.schema.AudioBlockFeatures;
import io.avmon.schema.VideoFrameFeatures;
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

    /** One stream's place in its template's loop. */
    private static final class Stream {
        private final String id;
        private final FeatureTemplate template;
        private final long phaseUs;
        private int videoIndex;
        private int audioIndex;
        private int videoLoop;
        private int audioLoop;

        Stream(String id, FeatureTemplate template, long phaseUs) {
            this.id = id;
            this.template = template;
            this.phaseUs = phaseUs;
            // Start where the phase falls in the template.
            while (videoIndex < template.video().size()
                    && template.video().get(videoIndex).getMediaTimeUs() < phaseUs) {
                videoIndex++;
            }
            while (audioIndex < template.audio().size()
                    && template.audio().get(audioIndex).getMediaTimeUs() < phaseUs) {
                audioIndex++;
            }
        }

        /** Sends this stream's records whose time since the generator's start is below {@code endUs}. */
        int sendUntil(FeatureSink sink, long startMs, long endUs) {
            int sent = 0;
            long loopUs = template.durationUs();
            while (true) {
                if (videoIndex == template.video().size()) {
                    videoIndex = 0;
                    videoLoop++;
                }
                VideoFrameFeatures frame = template.video().get(videoIndex);
                long mediaUs = frame.getMediaTimeUs() + videoLoop * loopUs;
                long elapsedUs = mediaUs - phaseUs;
                if (elapsedUs >= endUs) {
                    break;
                }
                long templateTimeUs = frame.getMediaTimeUs();
                long templateSequence = frame.getSequence();
                frame.setStreamId(id);
                frame.setSequence(
                        templateSequence + (long) videoLoop * template.video().size());
                frame.setMediaTimeUs(mediaUs);
                frame.setIngestTimeMs(startMs + elapsedUs / 1000);
                sink.send(frame);
                frame.setMediaTimeUs(templateTimeUs);
                frame.setSequence(templateSequence);
                videoIndex++;
                sent++;
            }
            while (true) {
                if (audioIndex == template.audio().size()) {
                    audioIndex = 0;
                    audioLoop++;
                }
                AudioBlockFeatures block = template.audio().get(audioIndex);
                long mediaUs = block.getMediaTimeUs() + audioLoop * loopUs;
                long elapsedUs = mediaUs - phaseUs;
                if (elapsedUs >= endUs) {
                    break;
                }
                long templateTimeUs = block.getMediaTimeUs();
                long templateSequence = block.getSequence();
                Long templateOnsetUs = block.getOnsetTimeUs();
                block.setStreamId(id);
                block.setSequence(
                        templateSequence + (long) audioLoop * template.audio().size());
                block.setMediaTimeUs(mediaUs);
                block.setIngestTimeMs(startMs + elapsedUs / 1000);
                if (templateOnsetUs != null) {
                    block.setOnsetTimeUs(templateOnsetUs + audioLoop * loopUs);
                }
                sink.send(block);
                block.setMediaTimeUs(templateTimeUs);
                block.setSequence(templateSequence);
                block.setOnsetTimeUs(templateOnsetUs);
                audioIndex++;
                sent++;
            }
            return sent;
        }
    }
}
