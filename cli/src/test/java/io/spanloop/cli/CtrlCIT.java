package io.spanloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.local.Ports;
import io.spanloop.schemas.RegistryRunner;
import io.spanloop.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in a terminal signals the terminal's whole foreground process group. The launcher runs in
 * one here ({@code setsid}), gets SIGINT sent to that group, and must stop everything in order —
 * services, registry, broker — quickly, because its children are in sessions of their own and keep
 * running until it stops them.
 */
class CtrlCIT {

    @Test
    void shouldStopEverythingInOrderWhenTheTerminalSendsSigint(@TempDir Path data)
            throws Exception {
        // Given: ./spanloop demo --tiny running, waiting for Ctrl-C
        int kafka = Ports.free();
        int registry = Ports.free();
        int labeler = Ports.free();
        Path output = data.resolve("launcher.out");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "/usr/bin/setsid",
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx1g",
                                "-Dai.djl.offline=true",
                                "-D"
                                        + RegistryRunner.HOME_PROPERTY
                                        + "="
                                        + System.getProperty(RegistryRunner.HOME_PROPERTY),
                                "-Dspanloop.demo.model="
                                        + Path.of("..", "demo-model", "1").toAbsolutePath(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.spanloop.cli.Spanloop",
                                "demo",
                                "--tiny",
                                "--data",
                                data.resolve("stack").toString(),
                                "--kafka-port",
                                Integer.toString(kafka),
                                "--controller-port",
                                Integer.toString(Ports.free()),
                                "--registry-port",
                                Integer.toString(registry),
                                "--labeler-port",
                                Integer.toString(labeler),
                                // three fixed ports could be taken here: LocalRunIT checks them
                                "--no-metrics"));
        Process launcher =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            Await.until(
                    () -> read(output).contains("Press Ctrl-C to stop"),
                    Duration.ofMinutes(4),
                    "the demo to run (see " + output + ")");

            // the broker, the registry and the three services: none in the launcher's group
            List<ProcessHandle> children =
                    ProcessHandle.of(launcher.pid()).orElseThrow().children().toList();
            assertThat(children).hasSize(5);
            for (ProcessHandle child : children) {
                assertThat(processGroup(child.pid())).isNotEqualTo(launcher.pid());
            }

            // When: the terminal's Ctrl-C, SIGINT to the launcher's whole process group
            long sent = System.nanoTime();
            new ProcessBuilder("kill", "-s", "INT", "--", "-" + launcher.pid()).start().waitFor();

            // Then: it stops everything, in order, and says so
            assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as(read(output)).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            String out = read(output);
            assertThat(out)
                    .containsSubsequence(
                            "Stopping retrainer",
                            "Stopping labeler",
                            "Stopping answerer",
                            "Stopping schema registry",
                            "Stopping kafka broker",
                            "Stopped retrainer, labeler, answerer, schema registry, kafka broker");
            assertThat(took).isLessThan(Duration.ofSeconds(45));
            for (int port : new int[] {kafka, registry, labeler}) {
                assertThat(Ports.accepts("127.0.0.1:" + port)).as("port %d", port).isFalse();
            }
        } finally {
            // children in sessions of their own outlive a killed launcher: stop them too
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    /** The process group of {@code pid}: field 5 of /proc/PID/stat (after the command name). */
    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
