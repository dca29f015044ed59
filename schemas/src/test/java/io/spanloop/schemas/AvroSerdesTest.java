package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

    private static final String URL = "http://127.0.0.1:1/apis/registry/v3";

    @Test
    void shouldConfigureConfluentWireFormatWithAutoRegistrationAndSpecificRecords() {
        // Given / When
        AvroSerdes serdes = AvroSerdes.forRegistry(URL);

        // Then
        assertThat(serdes.serializerConfig())
                .containsEntry("apicurio.registry.url", URL)
                .containsEntry(
                        "apicurio.registry.id-handler",
                        "io.apicurio.registry.serde.Default4ByteIdHandler")
                .containsEntry("apicurio.registry.use-id", "contentId")
                .containsEntry("apicurio.registry.headers.enabled", false)
                .containsEntry("apicurio.registry.auto-register", true)
                .containsEntry("apicurio.registry.dereference-schema", true);
        assertThat(serdes.deserializerConfig())
                .containsEntry("apicurio.registry.use-specific-avro-reader", true);
        assertThat(serdes.registryUrl()).isEqualTo(URL);
    }

    @Test
    void shouldLayUserSettingsOverTheDefaults() {
        // Given
        Map<String, Object> raw =
                Map.of(
                        "apicurio.registry.url",
                        URL,
                        "apicurio.registry.auto-register",
                        false,
                        "apicurio.registry.auth.username",
                        "svc");

        // When
        AvroSerdes serdes = AvroSerdes.fromConfig(raw);

        // Then
        assertThat(serdes.serializerConfig())
                .containsEntry("apicurio.registry.auto-register", false)
                .containsEntry("apicurio.registry.auth.username", "svc")
                .containsEntry("apicurio.registry.use-id", "contentId");
    }

    @Test
    void shouldRefuseSettingsWithoutARegistryUrl() {
        assertThatThrownBy(
                        () ->
                                AvroSerdes.fromConfig(
                                        Map.of("apicurio.registry.auto-register", true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apicurio.registry.url");
    }

    @Test
    void shouldNotLetCallersChangeTheConfiguration() {
        AvroSerdes serdes = AvroSerdes.forRegistry(URL);
        assertThatThrownBy(() -> serdes.serializerConfig().put("apicurio.registry.url", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
