package io.avmon.cli.analyze;

import io.avmon.converter.ConverterOptions;
import io.avmon.converter.MediaConverter;
import io.avmon.converter.MediaInputException;
import io.avmon.job.core.MediaEvent;
import io.avmon.schema.InputState;
import io.avmon.schema.StreamStatus;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Pulls feature records out of the converter one at a time and ends each file with a {@code StreamStatus ENDED},
 * which tells the job to close the stream's open defects. Progress and the converter's warnings go to
 * {@link AnalysisProgress} for the CLI to show.
 */
final class MediaFileIterator implements Iterator<MediaEvent> {

    private final String input;
    private final String streamId;
    private MediaConverter converter;
    private MediaEvent pending;
    private boolean ended;
    private long lastMediaTimeUs;

    MediaFileIterator(String input, String streamId) {
        this.input = input;
        this.streamId = streamId;
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !ended) {
            pending = advance();
        }
        return pending != null;
    }

    @Override
    public MediaEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        MediaEvent next = pending;
        pending = null;
        return next;
    }

    private MediaEvent advance() {
        AnalysisProgress.FileProgress progress = AnalysisProgress.of(streamId);
        try {
            if (converter == null) {
                converter = MediaConverter.open(input, ConverterOptions.forStream(streamId));
            }
            SpecificRecord record = converter.next();
            converter.drainWarnings().forEach(progress::warn);
            if (record != null) {
                lastMediaTimeUs = Math.max(lastMediaTimeUs, converter.positionUs());
                progress.advanceTo(lastMediaTimeUs);
                return MediaEvent.of(record);
            }
            return end(InputState.ENDED, null);
        } catch (MediaInputException e) {
            progress.fail(e.getMessage());
            return end(InputState.FAILED, e.getMessage());
        }
    }

    private MediaEvent end(InputState state, String message) {
        ended = true;
        if (converter != null) {
            converter.close();
            converter = null;
        }
        AnalysisProgress.of(streamId).finish();
        return MediaEvent.of(StreamStatus.newBuilder()
                .setStreamId(streamId)
                .setIngestTimeMs(System.currentTimeMillis())
                .setState(state)
                .setLastMediaTimeUs(lastMediaTimeUs)
                .setMessage(message)
                .build());
    }
}
