package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run as {@code ./spanloop demo --once} does it: real broker, registry and answerer
 * processes on free loopback ports, demo questions answered, everything stopped, data kept for the
 * next run.
 */
class LocalRunIT {

    private static final Path DEMO_MODEL =
            Path.of("..", "qa-core", "src", "test", "resources", "models", "tiny-bert-qa", "1");

    private static LocalOptions options(Path data, boolean reset) {
        return new LocalOptions(
                data,
                reset,
                Ports.free(),
                Ports.free(),
                Ports.free(),
                Path.of(System.getProperty("spanloop.registry.home")),
                DEMO_MODEL,
                true);
    }

    @Test
    void shouldRunTheDemoTwiceOnTheSameDataAndStopEverything(@TempDir Path data) throws Exception {
        // Given / When: a first run on fresh data
        LocalOptions first = options(data, false);
        assertThat(LocalMain.run(first)).isZero();
        // Then: it formatted Kafka, kept the registry database and installed the model
        assertThat(data.resolve("kafka/logs/meta.properties")).exists();
        assertThat(data.resolve("models/tiny-bert-qa/1/model.pt")).exists();
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
                            Path.of(System.getProperty("spanloop.registry.home")),
                            DEMO_MODEL,
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

    private static void assertPortsFree(LocalOptions options) {
        for (int port :
                new int[] {options.kafkaPort(), options.controllerPort(), options.registryPort()}) {
            assertThat(Ports.accepts("127.0.0.1:" + port)).as("port %d still open", port).isFalse();
        }
    }
}
