package io.spanloop.local;

import io.spanloop.schemas.RegistryRunner;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the local run listens (all on 127.0.0.1) and keeps its data: broker data, registry
 * database, service state and logs, under one directory.
 */
public final class StackSettings {

    private final Path dataDir;
    private final int kafkaPort;
    private final int controllerPort;
    private final int registryPort;
    private final Path registryHome;

    private StackSettings(Builder builder) {
        this.dataDir = Objects.requireNonNull(builder.dataDir, "dataDir");
        this.kafkaPort = builder.kafkaPort;
        this.controllerPort = builder.controllerPort;
        this.registryPort = builder.registryPort;
        this.registryHome = builder.registryHome;
    }

    /** Settings with the defaults: {@code ./data}, ports 9092, 9093 and 8081. */
    public static Builder builder() {
        return new Builder();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's client port. */
    public int kafkaPort() {
        return kafkaPort;
    }

    /** The KRaft controller's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The schema registry's HTTP port. */
    public int registryPort() {
        return registryPort;
    }

    /** The unpacked Apicurio Registry runner (see {@link RegistryRunner}). */
    public Path registryHome() {
        return registryHome;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String registryUrl() {
        return RegistryRunner.registryUrl(registryPort);
    }

    public String ccompatUrl() {
        return RegistryRunner.ccompatUrl(registryPort);
    }

    /** Where every process's log goes. */
    public Path logs() {
        return dataDir.resolve("logs");
    }

    /** Builds {@link StackSettings}; every setting has a default but the registry home. */
    public static final class Builder {
        private Path dataDir = Path.of("data");
        private int kafkaPort = 9092;
        private int controllerPort = 9093;
        private int registryPort = 8081;
        private Path registryHome;

        private Builder() {}

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        public Builder registryPort(int port) {
            this.registryPort = port;
            return this;
        }

        public Builder registryHome(Path registryHome) {
            this.registryHome = registryHome;
            return this;
        }

        public StackSettings build() {
            return new StackSettings(this);
        }
    }
}
