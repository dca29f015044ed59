package io.spanloop.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Apicurio Registry's runner on 127.0.0.1, its schemas in an H2 database file under {@code
 * <data>/registry} so that schema ids stay valid for the records already in Kafka across restarts.
 */
final class LocalRegistry {

    private LocalRegistry() {}

    static ChildProcess start(LocalOptions options) {
        Path runner = runnerJar(options.registryHome());
        Path db = options.dataDir().resolve("registry").resolve("registry").toAbsolutePath();
        ChildProcess registry =
                ChildProcess.startJava(
                        "schema registry",
                        List.of(
                                "-Xmx512m",
                                "-Dquarkus.http.host=127.0.0.1",
                                "-Dquarkus.http.port=" + options.registryPort(),
                                "-Dapicurio.datasource.url=jdbc:h2:file:" + db,
                                "-jar",
                                runner.toString()),
                        Map.of(),
                        options.logs().resolve("registry.log"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        registry.awaitReady(
                () -> responds(http, options.registryUrl() + "/system/info"),
                Duration.ofSeconds(120));
        return registry;
    }

    private static Path runnerJar(Path home) {
        if (home == null || !Files.isDirectory(home)) {
            throw new IllegalStateException(
                    "no registry runner at "
                            + home
                            + " (build first: ./mvnw -B -pl local -am package -DskipTests)");
        }
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + home));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + home, e);
        }
    }

    private static boolean responds(HttpClient http, String url) {
        try {
            HttpResponse<Void> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
