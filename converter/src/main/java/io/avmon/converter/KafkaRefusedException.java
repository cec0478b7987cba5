package io.avmon.converter;

/**
 * Kafka refused a record for good (not authorised, too large): no retry cures it, so the converter stops. The
 * message is one line, "Kafka send failed: &lt;cause&gt;".
 */
public final class KafkaRefusedException extends IllegalStateException {
    public KafkaRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
