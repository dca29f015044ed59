package io.spanloop.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM started by the local run, its output in a log file; stopped by the code that started it.
 */
final class ChildProcess implements AutoCloseable {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final String name;
    private final Process process;
    private final Path log;
    private final long logStart;

    private ChildProcess(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Runs {@code java [jvmArgs] mainOrJar...} with this JVM's classpath. */
    static ChildProcess startJava(
            String name, List<String> javaArgs, Map<String, String> env, Path log) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // a session of its own: Ctrl-C in the terminal reaches only the launcher, which then
            // stops the children in order (services, registry, broker) instead of all at once
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        try {
            Files.createDirectories(log.getParent());
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new ChildProcess(name, builder.start(), log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The classpath of this JVM, for children that run our own or Kafka's classes. */
    static String classpath() {
        return System.getProperty("java.class.path");
    }

    /**
     * Waits until {@code ready} holds (asked at least once); fails early with the log's location if
     * the child died.
     */
    void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with code " + process.exitValue() + "; see " + log);
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(250);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    /** Waits for a child that is meant to finish (e.g. a tool), failing on a non-zero exit. */
    void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    name + " failed with code " + process.exitValue() + "; see " + log);
        }
    }

    /** Whether this run of the child (not an earlier one in the same log) printed {@code text}. */
    boolean logged(String text) {
        try (var channel = FileChannel.open(log)) {
            channel.position(logStart);
            byte[] bytes = Channels.newInputStream(channel).readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code of a child that has exited. */
    int exitCode() {
        return process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path log() {
        return log;
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
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

    @Override
    public String toString() {
        return name;
    }
}
