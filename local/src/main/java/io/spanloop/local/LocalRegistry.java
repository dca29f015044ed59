package io.spanloop.local;

import io.spanloop.schemas.RegistryRunner;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry's runner on 127.0.0.1, its schemas in an H2 database file under {@code
 * <data>/registry} so that schema ids stay valid for the records already in Kafka across restarts.
 */
final class LocalRegistry {

    private LocalRegistry() {}

    static ChildProcess start(StackSettings settings) {
        Path runner = RegistryRunner.runnerJar(settings.registryHome());
        Path db = settings.dataDir().resolve("registry").resolve("registry");
        List<String> args = RegistryRunner.javaArgs(runner, settings.registryPort(), db);
        ChildProcess registry =
                ChildProcess.startJava(
                        "schema registry", args, Map.of(), settings.logs().resolve("registry.log"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        registry.awaitReady(
                () -> RegistryRunner.isReady(http, settings.registryPort()),
                Duration.ofSeconds(120));
        return registry;
    }
}
