package io.spanloop.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spanloop.config.ServiceConfigs;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's metrics: one Prometheus registry with the JVM's meters, the binders the service adds
 * (its Kafka clients, its own counters), and the {@code /metrics} endpoint of its {@link
 * MetricsSettings}. Closing it stops the endpoint and the binders that hold resources.
 */
public final class ServiceMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final MetricsEndpoint endpoint;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceMetrics(PrometheusMeterRegistry registry, MetricsEndpoint endpoint) {
        this.registry = registry;
        this.endpoint = endpoint;
    }

    /** A registry with the JVM's meters, served as {@code settings} say. */
    public static ServiceMetrics start(String service, MetricsSettings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEndpoint endpoint = null;
        if (settings.enabled()) {
            try {
                endpoint =
                        MetricsEndpoint.start(settings.host(), settings.port(), registry::scrape);
            } catch (UncheckedIOException e) {
                registry.close();
                // as a setting that cannot work: the service's main reports it and exits
                throw new ConfigException(
                        ServiceConfigs.METRICS_PORT,
                        settings.port(),
                        e.getCause().getMessage()
                                + " (on "
                                + settings.host()
                                + "; metrics.host and metrics.port"
                                + " choose another, -1 serves none)");
            }
        }
        ServiceMetrics metrics = new ServiceMetrics(registry, endpoint);
        metrics.bind(new ClassLoaderMetrics())
                .bind(new JvmMemoryMetrics())
                .bind(new JvmGcMetrics())
                .bind(new JvmThreadMetrics())
                .bind(new ProcessorMetrics())
                .bind(new UptimeMetrics());
        if (endpoint != null) {
            LOG.info("The {}'s metrics are at {}", service, endpoint.url());
        }
        return metrics;
    }

    /** Binds {@code binder}; it is closed with this when it is {@link AutoCloseable}. */
    public ServiceMetrics bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            closeables.add(closeable);
        }
        return this;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** What a scrape of {@code /metrics} returns now (also with the endpoint off). */
    public String scrape() {
        return registry.scrape();
    }

    /** Where the metrics are served; empty when {@code metrics.port} is -1. */
    public Optional<URI> url() {
        return Optional.ofNullable(endpoint).map(MetricsEndpoint::url);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (endpoint != null) {
            endpoint.close();
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing a metrics binder failed", e);
            }
        }
        registry.close();
    }
}
