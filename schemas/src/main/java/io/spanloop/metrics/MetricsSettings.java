package io.spanloop.metrics;

import io.spanloop.config.ServiceConfigs;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Where a service serves its Prometheus metrics: {@code http://<host>:<port>/metrics}; port 0 picks
 * a free one, {@link #OFF_PORT} serves none (the service still counts).
 */
public record MetricsSettings(String host, int port) {

    /** The port that turns the endpoint off. */
    public static final int OFF_PORT = -1;

    /** No endpoint. */
    public static final MetricsSettings OFF = new MetricsSettings("127.0.0.1", OFF_PORT);

    public MetricsSettings {
        if (port < OFF_PORT || port > 65_535) {
            throw new IllegalArgumentException("metrics port " + port + " is not -1..65535");
        }
    }

    /** {@code metrics.host} and {@code metrics.port} of a service's config. */
    public static MetricsSettings from(AbstractConfig config) {
        return new MetricsSettings(
                config.getString(ServiceConfigs.METRICS_HOST),
                config.getInt(ServiceConfigs.METRICS_PORT));
    }

    public boolean enabled() {
        return port != OFF_PORT;
    }
}
