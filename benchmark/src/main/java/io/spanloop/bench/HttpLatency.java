package io.spanloop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;

/** Times GET requests one after another over one HTTP/1.1 connection, with a bearer token. */
final class HttpLatency {

    /** Latencies of one endpoint in milliseconds. */
    record Result(String path, int requests, double p50, double p99, double max) {}

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final String baseUrl;
    private final String token;

    HttpLatency(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** The body of one 200 answer; fails on another status. */
    String get(String path) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + path))
                                    .header("Authorization", "Bearer " + token)
                                    .timeout(Duration.ofMinutes(2))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET "
                                + path
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code warmup} untimed requests, then {@code requests} timed ones; every answer must satisfy
     * {@code valid} (checked outside the timing).
     */
    Result measure(String path, int warmup, int requests, Predicate<String> valid) {
        for (int i = 0; i < warmup; i++) {
            check(path, get(path), valid);
        }
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            String body = get(path);
            nanos[i] = System.nanoTime() - start;
            check(path, body, valid);
        }
        Arrays.sort(nanos);
        return new Result(
                path,
                requests,
                millis(LoadPhase.percentile(nanos, 50)),
                millis(LoadPhase.percentile(nanos, 99)),
                millis(nanos[nanos.length - 1]));
    }

    private static void check(String path, String body, Predicate<String> valid) {
        if (!valid.test(body)) {
            throw new IllegalStateException(
                    "GET "
                            + path
                            + " answered something unexpected: "
                            + body.substring(0, Math.min(300, body.length())));
        }
    }

    private static double millis(double nanos) {
        return nanos / 1e6;
    }
}
