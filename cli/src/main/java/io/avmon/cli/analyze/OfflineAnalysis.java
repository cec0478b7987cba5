package io.avmon.cli.analyze;

import io.avmon.job.DetectorTopology;
import io.avmon.job.MediaEventWatermarks;
import io.avmon.job.core.DetectionProfile;
import io.avmon.job.core.MediaEvent;
import io.avmon.job.profile.ProfileBook;
import io.avmon.schema.DefectEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the production detector graph on media files in a local Flink MiniCluster: the converter decodes inside
 * the source, and the defect events come back to this process. No Kafka, no checkpoints.
 */
public final class OfflineAnalysis {

    private final ProfileBook book;

    public OfflineAnalysis(DetectionProfile profile) {
        this(ProfileBook.of(profile));
    }

    /** Each file's stream (named after the file) gets its profile from {@code book}. */
    public OfflineAnalysis(ProfileBook book) {
        this.book = book;
    }

    /** Analyses the files and returns every DefectEvent the job emitted (OPENED and CLOSED). */
    public List<DefectEvent> run(List<MediaFileSplit> files) throws Exception {
        Configuration conf = new Configuration();
        // No web UI and no fixed port: several analyses may run side by side.
        conf.set(RestOptions.BIND_PORT, "0");
        int parallelism =
                Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        DetectorTopology.configure(env);

        DataStream<MediaEvent> features = env.fromSource(
                        new MediaFileSource(files), MediaEventWatermarks.strategy(), "Media files (converter)")
                .uid("media-file-source");
        DataStream<DefectEvent> defects =
                new DetectorTopology(book).build(features).defects();

        List<DefectEvent> events = new ArrayList<>();
        try (CloseableIterator<DefectEvent> results = defects.executeAndCollect("avmon analyze")) {
            results.forEachRemaining(events::add);
        }
        return events;
    }
}
