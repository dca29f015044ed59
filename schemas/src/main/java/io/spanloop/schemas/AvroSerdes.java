package io.spanloop.schemas;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Builds schema-registry-backed Avro serdes (Apicurio) that write the Confluent wire format: byte
 * 0, the 4-byte big-endian schema (content) id, then Avro binary; no headers.
 *
 * <p>Schemas are registered on first use (subject {@code <topic>-value}) as self-contained schemas,
 * so any Confluent-compatible client can read them through the registry's {@code /apis/ccompat/v7}
 * API, and values are read back as the generated specific classes.
 */
public final class AvroSerdes {

    private final Map<String, Object> config;

    private AvroSerdes(Map<String, Object> config) {
        this.config = Map.copyOf(config);
    }

    /**
     * Serdes for the Apicurio registry at {@code registryUrl}, its v3 API (e.g. {@code
     * http://127.0.0.1:8080/apis/registry/v3}).
     */
    public static AvroSerdes forRegistry(String registryUrl) {
        Objects.requireNonNull(registryUrl, "registryUrl");
        return fromConfig(Map.of(SchemaResolverConfig.REGISTRY_URL, registryUrl));
    }

    /**
     * As {@link #forRegistry(String)}, for a registry behind HTTP basic auth; a blank {@code
     * username} means none.
     */
    public static AvroSerdes forRegistry(String registryUrl, String username, String password) {
        Objects.requireNonNull(registryUrl, "registryUrl");
        if (username == null || username.isBlank()) {
            return forRegistry(registryUrl);
        }
        return fromConfig(
                Map.of(
                        SchemaResolverConfig.REGISTRY_URL,
                        registryUrl,
                        SchemaResolverConfig.AUTH_USERNAME,
                        username,
                        SchemaResolverConfig.AUTH_PASSWORD,
                        password));
    }

    /**
     * Serdes from raw Apicurio settings ({@code apicurio.registry.*}, e.g. auth or TLS); they are
     * laid over this project's defaults and must include {@code apicurio.registry.url}.
     */
    public static AvroSerdes fromConfig(Map<String, ?> serdeConfig) {
        Objects.requireNonNull(serdeConfig, "serdeConfig");
        Object url = serdeConfig.get(SchemaResolverConfig.REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "missing " + SchemaResolverConfig.REGISTRY_URL + " in " + serdeConfig.keySet());
        }
        Map<String, Object> merged = defaults();
        merged.putAll(serdeConfig);
        return new AvroSerdes(merged);
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> defaults = new HashMap<>();
        // Confluent wire format: magic byte 0 + 4-byte content id in the payload, no headers.
        defaults.put(SerdeConfig.ID_HANDLER, Default4ByteIdHandler.class.getName());
        defaults.put(SerdeConfig.USE_ID, IdOption.contentId.name());
        defaults.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
        defaults.put(AvroSerdeConfig.AVRO_ENCODING, AvroSerdeConfig.AVRO_ENCODING_BINARY);
        // Producers register the schema of what they write (subject <topic>-value).
        defaults.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, true);
        // One self-contained schema per subject instead of one artifact per nested record/enum,
        // so any Avro reader (Confluent clients included) can use it without resolving references.
        defaults.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, true);
        defaults.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        return defaults;
    }

    /**
     * A new, configured value serde for the generated Avro class {@code type}; the caller owns it.
     * Reading a record of another Avro type fails with a {@code SerializationException}.
     *
     * <p>Use one serde per topic: a serde registers its schema only under the subject of the first
     * topic it writes (Apicurio caches the schema's id by content), though the ids it writes
     * resolve on any topic.
     */
    public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        Objects.requireNonNull(type, "type");
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        return Serdes.serdeFrom(serializer, new TypeCheckingDeserializer<>(type, deserializer));
    }

    /**
     * The Apicurio entries a plain {@code KafkaProducer} with {@code
     * value.serializer=io.apicurio.registry.serde.avro.AvroKafkaSerializer} needs.
     */
    public Map<String, Object> serializerConfig() {
        return config;
    }

    /**
     * The Apicurio entries a plain {@code KafkaConsumer} with {@code
     * value.deserializer=io.apicurio.registry.serde.avro.AvroKafkaDeserializer} needs; values come
     * back as the generated specific classes.
     */
    public Map<String, Object> deserializerConfig() {
        return config;
    }

    /** The registry URL these serdes talk to. */
    public String registryUrl() {
        return config.get(SchemaResolverConfig.REGISTRY_URL).toString();
    }
}
