package io.avmon.job.profile;

import io.avmon.job.core.MediaEvent;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head of the detector chain: attaches each record's stream profile ({@link MediaEvent#profile}), from the
 * book given at start until a document arrives on the broadcast side, then from the latest one.
 *
 * <p>The broadcast state holds the document's text, not the parsed book: text has a Flink serializer, checkpoints
 * with every parallel instance, and comes back on restore, when the book is read from it again. Documents were
 * checked by {@link ProfileUpdateValidator} before the broadcast; one that still fails to read (a newer job
 * version's checkpoint, say) is logged and the book in force stays.
 */
public class ProfileAttacher extends KeyedBroadcastProcessFunction<String, MediaEvent, String, MediaEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileAttacher.class);

    public static final MapStateDescriptor<String, String> PROFILE_STATE =
            new MapStateDescriptor<>("profileDocument", Types.STRING, Types.STRING);
    private static final String DOCUMENT = "document";

    private final ProfileBook startBook;
    private transient ProfileBook book;
    /** The document {@link #book} was read from; compared by reference, as the state hands out the same instance. */
    private transient String bookDocument;

    private transient Counter profilesApplied;

    public ProfileAttacher(ProfileBook startBook) {
        this.startBook = Objects.requireNonNull(startBook, "startBook");
    }

    @Override
    public void open(OpenContext openContext) {
        book = startBook;
        profilesApplied = getRuntimeContext().getMetricGroup().counter("profilesApplied");
    }

    @Override
    public void processElement(MediaEvent event, ReadOnlyContext ctx, Collector<MediaEvent> out) throws Exception {
        ReadOnlyBroadcastState<String, String> state = ctx.getBroadcastState(PROFILE_STATE);
        String document = state.get(DOCUMENT);
        if (document != null && document != bookDocument) {
            // Restored from a checkpoint: read the book the state holds.
            use(document);
        }
        event.profile = book.forStream(event.streamId);
        out.collect(event);
    }

    @Override
    public void processBroadcastElement(String document, Context ctx, Collector<MediaEvent> out) throws Exception {
        if (use(document)) {
            BroadcastState<String, String> state = ctx.getBroadcastState(PROFILE_STATE);
            state.put(DOCUMENT, document);
        }
    }

    private boolean use(String document) {
        bookDocument = document;
        try {
            book = ProfileYaml.parse(document);
            profilesApplied.inc();
            LOG.info("profile {} in force (overrides for {})", book.revision(), book.overriddenStreams());
            return true;
        } catch (InvalidProfileException e) {
            LOG.warn("profile not applied, profile {} stays in force: {}", book.revision(), e.getMessage());
            return false;
        }
    }
}
