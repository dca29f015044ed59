package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.Question;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A registry behind HTTP basic auth (a small proxy on loopback in front of the real registry that
 * refuses requests without the right credentials): the serdes of a service whose config names
 * {@code registry.username} and {@code registry.password} register and resolve schemas through it;
 * without them they are refused.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class RegistryAuthIT {

    private static final String USER = "spanloop";
    private static final String PASSWORD = "registry-secret";
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade");

    @Test
    void shouldSendTheConfiguredCredentialsToTheRegistry(KafkaEnvironment env) throws Exception {
        AtomicInteger refused = new AtomicInteger();
        HttpServer proxy = basicAuthProxy(URI.create(env.registryUrl()), refused);
        try {
            String url =
                    "http://127.0.0.1:"
                            + proxy.getAddress().getPort()
                            + URI.create(env.registryUrl()).getPath();
            Topics without = Topics.of(env.newTopicNames(), AvroSerdes.forRegistry(url));
            assertThatThrownBy(() -> serialize(without)).isInstanceOf(RuntimeException.class);
            assertThat(refused.get()).isPositive();

            AbstractConfig config =
                    new AbstractConfig(
                            ServiceConfigs.withConnections(),
                            Map.of(
                                    ServiceConfigs.REGISTRY_URL, url,
                                    ServiceConfigs.REGISTRY_USERNAME, USER,
                                    ServiceConfigs.REGISTRY_PASSWORD, PASSWORD));
            Topics with = Topics.of(env.newTopicNames(), ServiceConfigs.avroSerdes(config));
            byte[] bytes = serialize(with);
            Question read =
                    with.questions()
                            .valueSerde()
                            .deserializer()
                            .deserialize(with.questions().name(), bytes);
            assertThat(read.getId()).isEqualTo("q-auth");
        } finally {
            proxy.stop(0);
        }
    }

    private static byte[] serialize(Topics topics) {
        Question question =
                Question.newBuilder()
                        .setId("q-auth")
                        .setQuestion("Who?")
                        .setContext("Nobody.")
                        .setSubmittedAt(Instant.now())
                        .build();
        return topics.questions()
                .valueSerde()
                .serializer()
                .serialize(topics.questions().name(), question);
    }

    /** Forwards every request with the right Basic credentials to {@code registry}; 401 else. */
    private static HttpServer basicAuthProxy(URI registry, AtomicInteger refused)
            throws IOException {
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        if (!expected.equals(
                                exchange.getRequestHeaders().getFirst("Authorization"))) {
                            refused.incrementAndGet();
                            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic");
                            exchange.sendResponseHeaders(401, -1);
                            return;
                        }
                        forward(http, registry, exchange);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        server.start();
        return server;
    }

    private static void forward(HttpClient http, URI registry, HttpExchange exchange)
            throws IOException, InterruptedException {
        URI target =
                URI.create(
                        "http://"
                                + registry.getHost()
                                + ":"
                                + registry.getPort()
                                + exchange.getRequestURI());
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(target)
                        .method(
                                exchange.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            if (!HOP_BY_HOP.contains(name.toLowerCase())
                                    && !name.equalsIgnoreCase("Authorization")) {
                                values.forEach(v -> request.header(name, v));
                            }
                        });
        HttpResponse<byte[]> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.headers()
                .map()
                .forEach(
                        (name, values) -> {
                            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                                exchange.getResponseHeaders().put(name, List.copyOf(values));
                            }
                        });
        byte[] content = response.body();
        exchange.sendResponseHeaders(
                response.statusCode(), content.length == 0 ? -1 : content.length);
        if (content.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        }
    }
}
