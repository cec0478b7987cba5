package io.avmon.converter;

import java.util.Objects;

/**
 * How a {@link MediaConverter} decodes one input.
 *
 * @param streamId       stream identity, written into every record and used as the Kafka key
 * @param decoderThreads video decoder threads; 1 (the default) is the cheapest in total CPU when many streams
 *                       share a host (automatic frame threading was slower on 2 vCPUs, see the performance notes)
 * @param schemes        the URL schemes the input may use
 */
public record ConverterOptions(String streamId, int decoderThreads, InputSchemes schemes) {
    /** With the default schemes (network inputs and plain paths). */
    public ConverterOptions(String streamId, int decoderThreads) {
        this(streamId, decoderThreads, InputSchemes.DEFAULT);
    }

    public ConverterOptions {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(schemes, "schemes");
        if (decoderThreads < 1) {
            throw new IllegalArgumentException("decoderThreads must be at least 1: " + decoderThreads);
        }
    }

    public static ConverterOptions forStream(String streamId) {
        return new ConverterOptions(streamId, 1);
    }
}
