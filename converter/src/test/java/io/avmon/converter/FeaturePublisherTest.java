package io.avmon.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturePublisherTest {

    @Test
    void unreachableKafkaFailsFastWithOneLine() {
        String servers = "127.0.0.1:" + FreePorts.find();
        long start = System.nanoTime();
        assertThatThrownBy(() -> new FeaturePublisher(servers, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Kafka unreachable at " + servers + ": ")
                .hasMessageNotContaining("\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
}
