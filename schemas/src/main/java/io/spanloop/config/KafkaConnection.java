package io.spanloop.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Where a service's Kafka clients connect, and the client settings every one of them gets: the
 * service's {@code kafka.*} settings with the prefix removed, e.g. {@code
 * kafka.security.protocol=SASL_SSL}, {@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config},
 * {@code kafka.ssl.truststore.location} — for its Streams app, producers, consumers and admin
 * clients alike, so a secured cluster needs the settings once.
 */
public record KafkaConnection(String bootstrapServers, Map<String, Object> settings) {

    /** The prefix of the settings given to every client. */
    public static final String PREFIX = "kafka.";

    public KafkaConnection {
        settings = Map.copyOf(settings);
    }

    /** A connection with no settings beyond the bootstrap servers. */
    public static KafkaConnection of(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** {@code bootstrap.servers} and the {@code kafka.*} settings of a service's config. */
    public static KafkaConnection from(AbstractConfig config) {
        return new KafkaConnection(
                config.getString(ServiceConfigs.BOOTSTRAP_SERVERS),
                ConfigSources.withPrefix(config.originals(), PREFIX));
    }

    /** Names the settings, never their values (a JAAS line holds a password). */
    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", settings " + settings.keySet() + "]";
    }

    /** The settings for one client: the shared ones and the bootstrap servers; add its own. */
    public Map<String, Object> clientProps() {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
