package io.avmon.job.profile;

import io.avmon.job.core.DeadLetter;
import io.avmon.job.core.DeadLetterCause;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each profile document from the control topic before it is broadcast: a good one goes on as text, a
 * malformed one goes to the dead-letter side output byte for byte with the cause, and is logged once, so the
 * profile in force stays the last good one. Runs once (parallelism 1), ahead of the broadcast, so a rejection is
 * reported once rather than by every parallel detector chain.
 */
public class ProfileUpdateValidator extends ProcessFunction<ProfileUpdate, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileUpdateValidator.class);

    public static final OutputTag<DeadLetter> REJECTED =
            new OutputTag<>("rejected-profiles", TypeInformation.of(DeadLetter.class));

    private transient Counter accepted;
    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        accepted = getRuntimeContext().getMetricGroup().counter("profileUpdatesAccepted");
        rejected = getRuntimeContext().getMetricGroup().counter("profileUpdatesRejected");
    }

    @Override
    public void processElement(ProfileUpdate update, Context ctx, Collector<String> out) {
        try {
            String document = decode(update.value);
            ProfileBook book = ProfileYaml.parse(document);
            accepted.inc();
            LOG.info(
                    "profile {} from {} accepted (overrides for {})",
                    book.revision(),
                    update,
                    book.overriddenStreams());
            out.collect(document);
        } catch (InvalidProfileException e) {
            rejected.inc();
            String cause = "profile rejected, the last good profile stays in force: " + e.getMessage();
            LOG.warn("{} ({})", cause, update);
            ctx.output(
                    REJECTED,
                    new DeadLetter(
                            update.topic,
                            update.partition,
                            update.offset,
                            update.key,
                            update.value,
                            DeadLetterCause.REJECTED_PROFILE,
                            cause));
        }
    }

    private static String decode(byte[] value) {
        if (value == null) {
            throw new InvalidProfileException("the record has no value (a tombstone); send a whole profile document");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidProfileException("the value is not UTF-8 text");
        }
    }
}
