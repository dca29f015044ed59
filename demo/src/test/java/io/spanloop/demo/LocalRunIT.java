package io.spanloop.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.local.LocalStack;
import io.spanloop.local.Ports;
import io.spanloop.local.StackSettings;
import io.spanloop.schemas.RegistryRunner;
import io.spanloop.testkit.metrics.Exposition;
import io.spanloop.testkit.metrics.MetricsScrape;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run as {@code ./spanloop demo --once} does it: real broker, registry and answerer
 * processes on free loopback ports, demo questions answered, everything stopped, data kept for the
 * next run.
 */
class LocalRunIT {

    static final Path DEMO_MODEL = Path.of("..", "demo-model", "1");

    /** The demo on free loopback ports, stopping after the demo questions. */
    static DemoOptions.Builder options(Path data) {
        return DemoOptions.builder()
                .stack(stack(data).build())
                .labelerPort(Ports.free())
                .metricsPorts(
                        new DemoOptions.MetricsPorts(Ports.free(), Ports.free(), Ports.free()))
                .base(DemoBase.tiny(DEMO_MODEL))
                .once(true);
    }

    /** Broker, registry and data on free loopback ports. */
    static StackSettings.Builder stack(Path data) {
        return StackSettings.builder()
                .dataDir(data)
                .kafkaPort(Ports.free())
                .controllerPort(Ports.free())
                .registryPort(Ports.free())
                .registryHome(Path.of(System.getProperty(RegistryRunner.HOME_PROPERTY)));
    }

    @Test
    void shouldRunTheDemoTwiceOnTheSameDataAndStopEverything(@TempDir Path data) throws Exception {
        // Given / When: a first run on fresh data
        DemoOptions first = options(data).build();
        try (LocalStack stack = start(first)) {
            assertThat(DemoQuestions.ask(first.stack(), Duration.ofSeconds(120)))
                    .hasSize(4)
                    .allSatisfy(
                            (id, answer) ->
                                    assertThat(answer.getTokenScores())
                                            .as("the demo's answers carry token scores")
                                            .isNotNull());
            // Then: the labeler serves the demo answers for review
            assertThat(awaitQueueTotal(first, 4)).isGreaterThanOrEqualTo(4);
            // every service (the retrainer too) is still up after the demo
            stack.checkAlive();
            assertThat(data.resolve("logs/retrainer.log")).content().contains("Retrainer for");
            assertThat(data.resolve("logs/answerer.log")).content().contains("Answerer started");
            // and each serves its metrics on its port, on 127.0.0.1, in the text format as the
            // Prometheus project's own parser reads it
            DemoOptions.MetricsPorts metrics = first.metricsPorts();
            assertThat(scrape(metrics.answerer()).sum("spanloop_answers_total")).isEqualTo(4);
            assertThat(scrape(metrics.labeler()).value("spanloop_review_queue_open"))
                    .isGreaterThanOrEqualTo(4);
            assertThat(
                            scrape(metrics.retrainer())
                                    .value(
                                            "spanloop_trainings_total",
                                            Map.of("status", "published")))
                    .isZero();
        }
        // Then: it formatted Kafka, kept the registry database and installed the model
        assertThat(data.resolve("kafka/logs/meta.properties")).exists();
        assertThat(data.resolve("models/demo-qa/1/model.pt")).exists();
        assertThat(Files.list(data.resolve("registry")).toList()).isNotEmpty();
        assertThat(data.resolve("logs/answerer.log")).exists();
        assertPortsFree(first);

        // When: a second run reuses the data (schema ids stay valid for old records)
        DemoOptions second = options(data).build();
        assertThat(DemoRun.run(second)).isZero();
        assertPortsFree(second);
    }

    @Test
    void shouldRefuseToStartWhenAPortIsTaken(@TempDir Path data) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            DemoOptions kafka = options(data).stack(stack(data).kafkaPort(port).build()).build();
            assertThatThrownBy(() -> start(kafka))
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("--kafka-port");
            DemoOptions labeler = options(data).labelerPort(port).build();
            assertThatThrownBy(() -> start(labeler))
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("--labeler-port");
            DemoOptions metrics =
                    options(data)
                            .metricsPorts(new DemoOptions.MetricsPorts(Ports.free(), port, -1))
                            .build();
            assertThatThrownBy(() -> start(metrics))
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("--metrics-port");
        }
    }

    private static Exposition scrape(int port) {
        return MetricsScrape.crossChecked(URI.create("http://127.0.0.1:" + port + "/metrics"));
    }

    private static LocalStack start(DemoOptions options) {
        return LocalStack.start(options.stack(), DemoProfile.of(options).services());
    }

    private static int awaitQueueTotal(DemoOptions options, int atLeast) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(options.labelerUrl() + "api/queue"))
                        .header("Authorization", "Bearer demo")
                        .build();
        int total = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (total < atLeast && System.nanoTime() < deadline) {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                total = new ObjectMapper().readTree(response.body()).get("total").asInt();
            }
            Thread.sleep(300);
        }
        return total;
    }

    private static void assertPortsFree(DemoOptions options) {
        StackSettings stack = options.stack();
        for (int port :
                new int[] {
                    stack.kafkaPort(),
                    stack.controllerPort(),
                    stack.registryPort(),
                    options.labelerPort(),
                    options.metricsPorts().answerer(),
                    options.metricsPorts().labeler(),
                    options.metricsPorts().retrainer()
                }) {
            assertThat(Ports.accepts("127.0.0.1:" + port)).as("port %d still open", port).isFalse();
        }
    }
}
