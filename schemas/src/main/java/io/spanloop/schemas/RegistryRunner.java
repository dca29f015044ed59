package io.spanloop.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How Apicurio Registry's Quarkus runner (the {@code apicurio-registry-app} zip the build unpacks)
 * is started as a JVM on 127.0.0.1 and asked whether it is ready: the one recipe used by the local
 * run and by the test kit.
 */
public final class RegistryRunner {

    /** System property naming the directory the registry distribution was unpacked to. */
    public static final String HOME_PROPERTY = "spanloop.registry.home";

    private RegistryRunner() {}

    /**
     * The runner jar under {@code home} (the {@code *-runner.jar} outside {@code lib/}).
     *
     * @throws IllegalStateException when {@code home} holds no unpacked registry
     */
    public static Path runnerJar(Path home) {
        if (home == null || !Files.isDirectory(home)) {
            throw new IllegalStateException(
                    "Apicurio Registry not found at "
                            + (home == null ? "(no " + HOME_PROPERTY + ")" : home.toAbsolutePath())
                            + "; build first: the build's unpack-registry execution unpacks it (./mvnw -B"
                            + " install -DskipTests)");
        }
        try (Stream<Path> files = Files.walk(home, 2)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
                    .filter(f -> !f.getParent().getFileName().toString().equals("lib"))
                    .sorted()
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "no *-runner.jar under " + home.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + home, e);
        }
    }

    /**
     * The registry's global rules: a new version of any subject must be valid Avro and BACKWARD
     * compatible with the latest (readers of the new schema read what the old one wrote), so an
     * incompatible producer is refused at registration, not discovered by a failing consumer.
     */
    public static final List<String> GLOBAL_RULES =
            List.of(
                    "-Dapicurio.rules.global.compatibility=BACKWARD",
                    "-Dapicurio.rules.global.validity=FULL");

    /**
     * The {@code java} arguments that run {@code runner} on 127.0.0.1:{@code port}, with its
     * schemas in memory ({@code database} null) or in an H2 database file (so that schema ids stay
     * valid across restarts for the records already in Kafka).
     */
    public static List<String> javaArgs(Path runner, int port, Path database) {
        List<String> args = new ArrayList<>();
        args.add("-Xmx512m");
        args.add("-XX:+UseSerialGC");
        args.add("-XX:TieredStopAtLevel=1");
        args.add("-Dquarkus.http.host=127.0.0.1");
        args.add("-Dquarkus.http.port=" + port);
        args.add("-Dquarkus.log.console.color=false");
        args.addAll(GLOBAL_RULES);
        if (database != null) {
            args.add("-Dapicurio.datasource.url=jdbc:h2:file:" + database.toAbsolutePath());
        }
        args.add("-jar");
        args.add(runner.toString());
        return args;
    }

    /** The Apicurio v3 REST API on {@code port}, what {@code apicurio.registry.url} wants. */
    public static String registryUrl(int port) {
        return baseUrl(port) + "/apis/registry/v3";
    }

    /** The Confluent-compatible API, what Confluent clients' {@code schema.registry.url} wants. */
    public static String ccompatUrl(int port) {
        return baseUrl(port) + "/apis/ccompat/v7";
    }

    /** Whether the registry on {@code port} answers its readiness check. */
    public static boolean isReady(HttpClient http, int port) {
        HttpRequest ready =
                HttpRequest.newBuilder(URI.create(baseUrl(port) + "/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        try {
            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }
}
