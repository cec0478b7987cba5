package io.avmon.converter;

/**
 * The Kafka cluster did not answer: worth retrying, unlike rejected credentials. The message is one line,
 * "Kafka unreachable at &lt;servers&gt;: &lt;cause&gt;".
 */
public final class KafkaUnreachableException extends IllegalStateException {
    public KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
