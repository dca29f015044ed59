package io.spanloop.testkit.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Scrapes a {@code /metrics} endpoint over HTTP, as Prometheus does, and parses the answer. */
public final class MetricsScrape {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MetricsScrape() {}

    /**
     * GETs {@code url}; fails unless it answers 200 in the text format 0.0.4, then parses it
     * strictly ({@link PrometheusTextParser}).
     */
    public static Exposition of(URI url) {
        return PrometheusTextParser.parse(fetch(url));
    }

    /**
     * As {@link #of}, and the Prometheus project's own parser ({@link ReferenceParser}) must read
     * exactly the same samples from the same answer.
     */
    public static Exposition crossChecked(URI url) {
        String body = fetch(url);
        Exposition parsed = PrometheusTextParser.parse(body);
        List<String> ours =
                parsed.families().stream()
                        .flatMap(family -> family.samples().stream())
                        .map(ReferenceParser::key)
                        .sorted()
                        .toList();
        List<String> reference = ReferenceParser.samples(body).stream().sorted().toList();
        if (!ours.equals(reference)) {
            throw new AssertionError(
                    url
                            + ": prometheus_client read other samples than PrometheusTextParser;"
                            + " only ours: "
                            + ours.stream().filter(s -> !reference.contains(s)).limit(5).toList()
                            + ", only theirs: "
                            + reference.stream().filter(s -> !ours.contains(s)).limit(5).toList());
        }
        if (ours.isEmpty()) {
            throw new AssertionError(url + " served no samples");
        }
        return parsed;
    }

    private static String fetch(URI url) {
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .header("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted scraping " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError(url + " answered " + response.statusCode());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.replace(" ", "").startsWith("text/plain;version=0.0.4")) {
            throw new AssertionError(url + " sent Content-Type '" + type + "'");
        }
        return response.body();
    }
}
