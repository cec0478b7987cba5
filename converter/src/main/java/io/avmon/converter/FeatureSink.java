package io.avmon.converter;

import org.apache.avro.specific.SpecificRecord;

/** Where feature records go: a VideoFrameFeatures, an AudioBlockFeatures or a StreamStatus. */
@FunctionalInterface
public interface FeatureSink {
    void send(SpecificRecord record);
}
