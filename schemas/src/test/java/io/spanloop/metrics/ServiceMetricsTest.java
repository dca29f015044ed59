package io.spanloop.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricFamily;
import io.spanloop.testkit.metrics.MetricsScrape;
import io.spanloop.testkit.metrics.PrometheusTextParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    private static final ConfigDef DEFINITION =
            new ConfigDef()
                    .define(ServiceConfigs.metricsHost())
                    .define(ServiceConfigs.metricsPort(9499));

    @Test
    void shouldListenOnLoopbackOnlyByDefault() throws IOException {
        MetricsSettings defaults = MetricsSettings.from(new AbstractConfig(DEFINITION, Map.of()));
        assertThat(defaults).isEqualTo(new MetricsSettings("127.0.0.1", 9499));

        try (ServiceMetrics metrics =
                ServiceMetrics.start("test", new MetricsSettings(defaults.host(), 0))) {
            URI url = metrics.url().orElseThrow();
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            assertThat(MetricsScrape.of(url).has("jvm_memory_used_bytes")).isTrue();
            // not reachable through any other address of this machine
            Optional<InetAddress> other = nonLoopbackAddress();
            assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
            assertThatThrownBy(
                            () -> {
                                try (Socket socket = new Socket()) {
                                    socket.connect(
                                            new InetSocketAddress(other.get(), url.getPort()),
                                            2_000);
                                }
                            })
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void shouldServeWhatTheServiceCountsInTheTextFormat() {
        try (ServiceMetrics metrics =
                ServiceMetrics.start("test", new MetricsSettings("127.0.0.1", 0))) {
            Counter counter =
                    Counter.builder("spanloop.things")
                            .tag("kind", "a")
                            .register(metrics.registry());
            Timer timer =
                    Timer.builder("spanloop.work")
                            .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofSeconds(1))
                            .register(metrics.registry());
            URI url = metrics.url().orElseThrow();
            assertThat(MetricsScrape.of(url).value("spanloop_things_total", Map.of("kind", "a")))
                    .isZero();

            counter.increment(3);
            timer.record(Duration.ofMillis(50));
            // read by our strict parser and, identically, by the Prometheus project's own
            Exposition after = MetricsScrape.crossChecked(url);

            assertThat(after.value("spanloop_things_total", Map.of("kind", "a"))).isEqualTo(3);
            assertThat(after.family("spanloop_work_seconds").orElseThrow().type())
                    .isEqualTo(MetricFamily.Type.HISTOGRAM);
            assertThat(after.value("spanloop_work_seconds_bucket", Map.of("le", "0.01"))).isZero();
            assertThat(after.value("spanloop_work_seconds_bucket", Map.of("le", "1.0")))
                    .isEqualTo(1);
            assertThat(after.value("spanloop_work_seconds_count")).isEqualTo(1);
            assertThat(after.value("spanloop_work_seconds_sum")).isEqualTo(0.05);
        }
    }

    @Test
    void shouldAnswerOnlyGetMetrics() throws Exception {
        try (ServiceMetrics metrics =
                ServiceMetrics.start("test", new MetricsSettings("127.0.0.1", 0))) {
            URI url = metrics.url().orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            assertThat(
                            http.send(
                                            HttpRequest.newBuilder(url.resolve("/other")).build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode())
                    .isEqualTo(404);
            HttpResponse<Void> post =
                    http.send(
                            HttpRequest.newBuilder(url)
                                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void shouldCountWithoutAnEndpointWhenThePortIsMinusOne() {
        try (ServiceMetrics metrics = ServiceMetrics.start("test", MetricsSettings.OFF)) {
            Counter.builder("spanloop.things").register(metrics.registry()).increment();
            assertThat(metrics.url()).isEmpty();
            assertThat(PrometheusTextParser.parse(metrics.scrape()).value("spanloop_things_total"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldStopListeningOnClose() {
        ServiceMetrics metrics = ServiceMetrics.start("test", new MetricsSettings("127.0.0.1", 0));
        URI url = metrics.url().orElseThrow();
        metrics.close();
        metrics.close();
        assertThatThrownBy(() -> MetricsScrape.of(url)).hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void shouldReportATakenPortAsTheSettingThatCannotWork() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(
                            () ->
                                    ServiceMetrics.start(
                                            "test", new MetricsSettings("127.0.0.1", port)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(ServiceConfigs.METRICS_PORT)
                    .hasMessageContaining(Integer.toString(port))
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shouldNeverKeepTheJvmAlive() {
        try (ServiceMetrics metrics =
                ServiceMetrics.start("test", new MetricsSettings("127.0.0.1", 0))) {
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().startsWith("HTTP-Dispatcher"))
                    .isNotEmpty()
                    .allMatch(Thread::isDaemon);
        }
    }

    @Test
    void shouldRefuseAPortOutOfRange() {
        assertThatThrownBy(
                        () ->
                                new AbstractConfig(
                                        DEFINITION, Map.of(ServiceConfigs.METRICS_PORT, "-2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ServiceConfigs.METRICS_PORT);
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
