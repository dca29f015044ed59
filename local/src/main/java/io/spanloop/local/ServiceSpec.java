package io.spanloop.local;

import io.spanloop.config.ConfigSources;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One service the local run starts as a child JVM: its main class, its settings (passed as the
 * {@code <PREFIX>_<KEY>} environment variables its typed config reads), its heap, the ports it
 * needs free, and how to tell it is ready. A profile (e.g. the demo's) hands a list of these to
 * {@link LocalStack}.
 */
public final class ServiceSpec {

    private final String name;
    private final String mainClass;
    private final String description;
    private final Map<String, String> environment;
    private final String heap;
    private final Map<Integer, String> ports;
    private final Predicate<ChildProcess> ready;
    private final Duration readyTimeout;

    private ServiceSpec(Builder builder) {
        this.name = builder.name;
        this.mainClass = builder.mainClass;
        this.description = builder.description == null ? "the " + name : builder.description;
        this.environment = Map.copyOf(builder.environment);
        this.heap = builder.heap;
        this.ports = Map.copyOf(builder.ports);
        this.ready = builder.ready;
        this.readyTimeout = builder.readyTimeout;
    }

    /** A service called {@code name} (its log is {@code <name>.log}) run by {@code mainClass}. */
    public static Builder builder(String name, String mainClass) {
        return new Builder(name, mainClass);
    }

    public String name() {
        return name;
    }

    String mainClass() {
        return mainClass;
    }

    /** How the console names it while it starts, e.g. "the labeler on http://...". */
    String description() {
        return description;
    }

    Map<String, String> environment() {
        return environment;
    }

    String heap() {
        return heap;
    }

    /** Ports that must be free before anything starts, with the option that changes each. */
    Map<Integer, String> ports() {
        return ports;
    }

    boolean isReady(ChildProcess child) {
        return ready.test(child);
    }

    Duration readyTimeout() {
        return readyTimeout;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link ServiceSpec}: no settings, 512 MB heap, ready once started. */
    public static final class Builder {
        private final String name;
        private final String mainClass;
        private String description;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String heap = "512m";
        private final Map<Integer, String> ports = new LinkedHashMap<>();
        private Predicate<ChildProcess> ready = child -> true;
        private Duration readyTimeout = Duration.ZERO;

        private Builder(String name, String mainClass) {
            this.name = Objects.requireNonNull(name, "name");
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        public Builder describedAs(String description) {
            this.description = description;
            return this;
        }

        /** Typed-config settings, passed as the {@code <envPrefix>_<KEY>} variables. */
        public Builder settings(String envPrefix, Map<String, ?> settings) {
            settings.forEach(
                    (key, value) ->
                            environment.put(
                                    ConfigSources.envName(envPrefix, key), value.toString()));
            return this;
        }

        /** Another environment variable for the child. */
        public Builder environment(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        /** The child's maximum heap, e.g. {@code 1g}. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** A port the service listens on; {@code option} is what a user changes it with. */
        public Builder listensOn(int port, String option) {
            ports.put(port, option);
            return this;
        }

        /** Ready once something accepts connections on 127.0.0.1:{@code port}. */
        public Builder readyWhenListening(int port, Duration timeout) {
            this.ready = child -> Ports.accepts("127.0.0.1:" + port);
            this.readyTimeout = timeout;
            return this;
        }

        /** Ready once this run of the service wrote {@code text} to its log. */
        public Builder readyWhenLogged(String text, Duration timeout) {
            this.ready = child -> child.logged(text);
            this.readyTimeout = timeout;
            return this;
        }

        public ServiceSpec build() {
            return new ServiceSpec(this);
        }
    }
}
