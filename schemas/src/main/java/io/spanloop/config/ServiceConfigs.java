package io.spanloop.config;

import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** What every spanloop service's settings share: where Kafka and the registry are, the file. */
public final class ServiceConfigs {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";

    private ServiceConfigs() {}

    /** A definition that starts with {@code bootstrap.servers} and {@code registry.url}. */
    public static ConfigDef withConnections() {
        return new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.STRING,
                        "127.0.0.1:9092",
                        Importance.HIGH,
                        "Kafka brokers to connect to.")
                .define(
                        REGISTRY_URL,
                        Type.STRING,
                        "http://127.0.0.1:8081/apis/registry/v3",
                        Importance.HIGH,
                        "Schema registry (Apicurio v3 API) for the Avro serdes.");
    }

    /**
     * The properties file a service reads: {@code --config FILE}, else the {@code
     * <ENV_PREFIX>_CONFIG} variable, else none.
     */
    public static Path configFile(String[] args, String envPrefix) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        String fromEnv = System.getenv(envPrefix + "_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }
}
