package io.spanloop.testkit;

import io.spanloop.schemas.RegistryRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (its Quarkus runner, in-memory storage) as a child process on 127.0.0.1, for
 * tests that need a real schema registry. The runner comes from {@code spanloop.registry.home}
 * (unpacked by the build's {@code unpack-registry} execution).
 */
public final class SchemaRegistryProcess implements AutoCloseable {

    /** System property naming the directory the registry distribution was unpacked to. */
    public static final String HOME_PROPERTY = RegistryRunner.HOME_PROPERTY;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryProcess.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;

    private SchemaRegistryProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(process::destroyForcibly, "registry-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry found through the {@value #HOME_PROPERTY} system property. */
    public static SchemaRegistryProcess start() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException(
                    "system property "
                            + HOME_PROPERTY
                            + " is not set; the module's pom must declare"
                            + " maven-dependency-plugin (execution unpack-registry) and run tests"
                            + " with ${test.argLine}");
        }
        return start(Path.of(home));
    }

    /**
     * Starts the registry unpacked in {@code home} on a free port and returns once it is ready; its
     * output goes to {@code registry-<port>.log} next to {@code home}.
     */
    public static SchemaRegistryProcess start(Path home) {
        Path runner = RegistryRunner.runnerJar(home);
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.next();
            Path logFile = home.toAbsolutePath().getParent().resolve("registry-" + port + ".log");
            SchemaRegistryProcess registry = launch(runner, port, logFile);
            try {
                registry.awaitReady();
                return registry;
            } catch (RuntimeException e) {
                registry.close();
                // The port is chosen before the registry binds it; another process may win.
                if (attempt >= 3 || !registry.logContains("Port already bound")) {
                    throw e;
                }
                LOG.warn("port {} was taken, retrying the registry on another port", port);
            }
        }
    }

    private static SchemaRegistryProcess launch(Path runner, int port, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(RegistryRunner.javaArgs(runner, port, null));
        try {
            Process process =
                    new ProcessBuilder(command)
                            .directory(runner.getParent().toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(logFile.toFile())
                            .start();
            LOG.info("started registry (pid {}) on port {}, log {}", process.pid(), port, logFile);
            return new SchemaRegistryProcess(process, port, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    private void awaitReady() {
        long started = System.nanoTime();
        long deadline = started + STARTUP_TIMEOUT.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "registry exited with "
                                + process.exitValue()
                                + " before it was ready; log "
                                + logFile
                                + ":\n"
                                + logTail());
            }
            if (RegistryRunner.isReady(http, port)) {
                LOG.info(
                        "registry at {} ready in {} ms",
                        registryUrl(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException(
                "registry not ready within "
                        + STARTUP_TIMEOUT
                        + "; log "
                        + logFile
                        + ":\n"
                        + logTail());
    }

    private boolean logContains(String text) {
        return logTail().contains(text);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The Apicurio v3 REST API, what {@code apicurio.registry.url} wants. */
    public String registryUrl() {
        return RegistryRunner.registryUrl(port);
    }

    /** The Confluent-compatible API, what Confluent clients' {@code schema.registry.url} wants. */
    public String ccompatUrl() {
        return RegistryRunner.ccompatUrl(port);
    }

    /** The file the registry's output goes to. */
    public Path logFile() {
        return logFile;
    }

    /** Stops the registry (forcibly after a grace period) and waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("registry on port {} did not stop in {}, killing it", port, STOP_TIMEOUT);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
