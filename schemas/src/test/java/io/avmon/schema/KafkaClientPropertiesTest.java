package io.avmon.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

    @Test
    void pairsWinOverTheFileAndKeepEverythingAfterTheFirstEquals(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=/etc/avmon/ca.p12\n");

        Map<String, String> settings = KafkaClientProperties.read(
                file, List.of("security.protocol=SASL_SSL", "sasl.jaas.config=Module required password=\"a=b\";"));

        assertThat(settings)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/avmon/ca.p12")
                .containsEntry("sasl.jaas.config", "Module required password=\"a=b\";");
    }

    @Test
    void aMalformedPairOrMissingFileFailsInOneLineWithoutTheValue(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaClientProperties.read(null, List.of("ssl.key.password:hunter2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kafka-property expects key=value, not a pair without '='");
        assertThatThrownBy(() -> KafkaClientProperties.read(dir.resolve("missing.properties"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read Kafka properties ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void maskingHidesEverySecretKafkaDeclaresAndKeepsTheRest() {
        Map<String, String> masked = KafkaClientProperties.masked(Map.of(
                "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p\";",
                "ssl.keystore.password", "p1",
                "ssl.key.password", "p2",
                "ssl.truststore.password", "p3",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----",
                "sasl.oauthbearer.client.credentials.client.secret", "p4",
                "sasl.mechanism", "SCRAM-SHA-512"));

        assertThat(masked).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        masked.forEach((key, value) -> {
            if (!key.equals("sasl.mechanism")) {
                assertThat(value).as(key).isEqualTo(KafkaClientProperties.HIDDEN);
            }
        });
    }
}
