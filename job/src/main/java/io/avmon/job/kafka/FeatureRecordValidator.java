package io.avmon.job.kafka;

import io.avmon.job.core.DeadLetterCause;
import io.avmon.schema.StreamIdRule;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The values a decoded feature record must hold before it may reach a detector. A record that breaks a rule goes
 * to the dead-letter topic instead: one bad producer must not stop the job (a detector throwing on it would restart
 * the job, which would read the same record again, for ever) nor corrupt the state or the event time of the streams
 * sharing its partition. The rules, in the order they are checked:
 *
 * <ol>
 *   <li>the stream id follows {@link StreamIdRule}, since it becomes a key, a metric label and a file name;
 *   <li>the ingest time lies between {@link #MAX_PAST} before and {@link #MAX_FUTURE} after the job's clock:
 *       ingest time is the job's event time, and one record decades ahead would move the partition's watermark
 *       decades on, making every later record late;
 *   <li>no size field ({@link #SIZE_FIELDS}) is negative;
 *   <li>no float or double anywhere in the record (measures, per-channel levels) is NaN or infinite.
 * </ol>
 *
 * The last two walk the record by its schema, so a field added to a schema later is covered without a change here.
 */
public final class FeatureRecordValidator {

    /**
     * How old an ingest time may be. A backlog that Kafka still holds (days, weeks with long retention) or a replay
     * of an archived topic is within it; a zero or garbage time, decades back, is not.
     */
    public static final Duration MAX_PAST = Duration.ofDays(365);

    /**
     * How far ahead of the job's clock an ingest time may be: room for clock skew between hosts and for test feeds
     * that run their clock ahead. A record this far ahead still moves the watermark (a known limit).
     */
    public static final Duration MAX_FUTURE = Duration.ofDays(2);

    /** Int fields that count or measure something, which a negative value would turn into an index or a divisor. */
    public static final Set<String> SIZE_FIELDS =
            Set.of("width", "height", "thumbWidth", "thumbHeight", "sampleRate", "sampleCount", "channelCount");

    private static final String INGEST_TIME_FIELD = "ingestTimeMs";
    private static final String STREAM_ID_FIELD = "streamId";

    /** Why a record is refused: its cause and one line saying which field and value. */
    public record Rejection(DeadLetterCause cause, String error) {}

    private FeatureRecordValidator() {}

    /** Null when {@code record} (a decoded feature record) may go to the detectors, else why not. */
    public static Rejection check(IndexedRecord record, long nowMs) {
        Schema schema = record.getSchema();
        Schema.Field streamId = schema.getField(STREAM_ID_FIELD);
        if (streamId != null) {
            Object id = record.get(streamId.pos());
            String problem = StreamIdRule.problem(id == null ? null : id.toString());
            if (problem != null) {
                return new Rejection(DeadLetterCause.BAD_STREAM_ID, problem);
            }
        }
        Schema.Field ingest = schema.getField(INGEST_TIME_FIELD);
        if (ingest != null && record.get(ingest.pos()) instanceof Long ingestMs) {
            if (ingestMs < nowMs - MAX_PAST.toMillis() || ingestMs > nowMs + MAX_FUTURE.toMillis()) {
                return new Rejection(
                        DeadLetterCause.IMPLAUSIBLE_TIMESTAMP,
                        INGEST_TIME_FIELD + " " + ingestMs + " (" + Instant.ofEpochMilli(ingestMs) + ") is more than "
                                + (ingestMs < nowMs
                                        ? MAX_PAST.toDays() + " days before"
                                        : MAX_FUTURE.toDays() + " days after")
                                + " the job's clock (" + Instant.ofEpochMilli(nowMs) + ")");
            }
        }
        Rejection size = negativeSize(record, schema.getName());
        if (size != null) {
            return size;
        }
        String nonFinite = firstNonFinite(record);
        return nonFinite == null
                ? null
                : new Rejection(DeadLetterCause.NON_FINITE_MEASURE, schema.getName() + nonFinite);
    }

    private static Rejection negativeSize(IndexedRecord record, String path) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (SIZE_FIELDS.contains(field.name()) && value instanceof Integer size && size < 0) {
                return new Rejection(DeadLetterCause.NEGATIVE_SIZE, path + "." + field.name() + " is " + size);
            }
        }
        return null;
    }

    /**
     * Where the first NaN or infinite float or double in the record, its nested records and arrays lies, as
     * ".channels[0].rmsDbfs is -Infinity"; null when every value is finite. The path is built only for a bad value:
     * built on the way down for every field of every record, it cost a tenth of the job's CPU.
     */
    private static String firstNonFinite(Object value) {
        if (value instanceof Float f && !Float.isFinite(f)) {
            return " is " + f;
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return " is " + d;
        }
        if (value instanceof IndexedRecord nested) {
            for (Schema.Field field : nested.getSchema().getFields()) {
                String inner = firstNonFinite(nested.get(field.pos()));
                if (inner != null) {
                    return "." + field.name() + inner;
                }
            }
        } else if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                String inner = firstNonFinite(item);
                if (inner != null) {
                    return "[" + index + "]" + inner;
                }
                index++;
            }
        }
        return null;
    }
}
