package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run as {@code ./spanloop demo --once} does it: real broker, registry and answerer
 * processes on free loopback ports, demo questions answered, everything stopped, data kept for the
 * next run.
 */
class LocalRunIT {

    static final Path DEMO_MODEL = Path.of("..", "demo-model", "1");

    static final LocalOptions.AutoLabel NO_AUTO_LABEL =
            new LocalOptions.AutoLabel(false, 0, 1, Duration.ZERO);

    private static LocalOptions options(Path data, boolean reset) {
        return new LocalOptions(
                data,
                reset,
                Ports.free(),
                Ports.free(),
                Ports.free(),
                Ports.free(),
                "demo:demo",
                Path.of(System.getProperty("spanloop.registry.home")),
                DEMO_MODEL,
                NO_AUTO_LABEL,
                true);
    }

    @Test
    void shouldRunTheDemoTwiceOnTheSameDataAndStopEverything(@TempDir Path data) throws Exception {
        // Given / When: a first run on fresh data
        LocalOptions first = options(data, false);
        try (LocalStack stack = LocalStack.start(first)) {
            assertThat(Demo.run(first, Duration.ofSeconds(120))).hasSize(4);
            // Then: the labeler serves the demo answers for review
            assertThat(awaitQueueTotal(first, 4)).isGreaterThanOrEqualTo(4);
            // every service (the retrainer too) is still up after the demo
            stack.checkAlive();
            assertThat(data.resolve("logs/retrainer.log")).content().contains("Retrainer for");
            assertThat(data.resolve("logs/answerer.log")).content().contains("Answerer started");
        }
        // Then: it formatted Kafka, kept the registry database and installed the model
        assertThat(data.resolve("kafka/logs/meta.properties")).exists();
        assertThat(data.resolve("models/demo-qa/1/model.pt")).exists();
        assertThat(Files.list(data.resolve("registry")).toList()).isNotEmpty();
        assertThat(data.resolve("logs/answerer.log")).exists();
        assertPortsFree(first);

        // When: a second run reuses the data (schema ids stay valid for old records)
        LocalOptions second = options(data, false);
        assertThat(LocalMain.run(second)).isZero();
        assertPortsFree(second);
    }

    @Test
    void shouldRefuseToStartWhenAPortIsTaken(@TempDir Path data) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LocalOptions options =
                    new LocalOptions(
                            data,
                            false,
                            taken.getLocalPort(),
                            Ports.free(),
                            Ports.free(),
                            Ports.free(),
                            "demo:demo",
                            Path.of(System.getProperty("spanloop.registry.home")),
                            DEMO_MODEL,
                            NO_AUTO_LABEL,
                            true);
            assertThatThrownBy(() -> LocalStack.start(options))
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("--kafka-port");
        }
    }

    @Test
    void shouldExplainItsOptions() {
        assertThat(LocalMain.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> LocalMain.parse(new String[] {"demo", "--kafka-port", "x"}))
                .hasMessageContaining("not a port: x");
        assertThatThrownBy(() -> LocalMain.parse(new String[] {"serve"}))
                .hasMessageContaining("unknown command serve");
    }

    private static int awaitQueueTotal(LocalOptions options, int atLeast) throws Exception {
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

    private static void assertPortsFree(LocalOptions options) {
        for (int port :
                new int[] {options.kafkaPort(), options.controllerPort(), options.registryPort()}) {
            assertThat(Ports.accepts("127.0.0.1:" + port)).as("port %d still open", port).isFalse();
        }
    }
}
