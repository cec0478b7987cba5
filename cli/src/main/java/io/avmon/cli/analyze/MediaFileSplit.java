package io.avmon.cli.analyze;

import io.avmon.job.core.MediaEvent;
import java.io.Serializable;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceSplit;

/** One media file, analysed as one stream. Serializable because the source ships its splits to the cluster. */
public record MediaFileSplit(String input, String streamId)
        implements IteratorSourceSplit<MediaEvent, MediaFileIterator>, Serializable {

    @Override
    public String splitId() {
        return streamId;
    }

    @Override
    public MediaFileIterator getIterator() {
        return new MediaFileIterator(input, streamId);
    }

    /**
     * A file is not resumed mid-way: a restored split decodes its file from the start. Offline analysis runs
     * without checkpoints, so this only matters after a task failure, where re-reading is the correct answer.
     */
    @Override
    public IteratorSourceSplit<MediaEvent, MediaFileIterator> getUpdatedSplitForIterator(MediaFileIterator iterator) {
        return this;
    }
}
