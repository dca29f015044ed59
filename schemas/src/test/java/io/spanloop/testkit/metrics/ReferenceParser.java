package io.spanloop.testkit.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus project's own parser of the text format (the Python client's {@code
 * prometheus_client.parser}, Debian's python3-prometheus-client, which {@code .ci/run} installs):
 * what it reads from an exposition must be exactly what {@link PrometheusTextParser} reads.
 */
final class ReferenceParser {

    private static final String SCRIPT =
            """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    print(json.dumps([s.name, s.labels, repr(float(s.value))]))
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceParser() {}

    /** Each sample as {@code name{label="value",...} value}, labels sorted, in exposition order. */
    static List<String> samples(String exposition) {
        try {
            Process python =
                    new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT)
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
            try (OutputStream in = python.getOutputStream()) {
                in.write(exposition.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!python.waitFor(60, TimeUnit.SECONDS) || python.exitValue() != 0) {
                throw new AssertionError(
                        "prometheus_client could not parse the exposition (is Debian's"
                                + " python3-prometheus-client installed?)");
            }
            List<String> samples = new ArrayList<>();
            for (String line : out.lines().toList()) {
                JsonNode sample = JSON.readTree(line);
                Map<String, String> labels = new TreeMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = sample.get(1).fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> label = fields.next();
                    labels.put(label.getKey(), label.getValue().asText());
                }
                samples.add(
                        key(sample.get(0).asText(), labels, pythonFloat(sample.get(2).asText())));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run /usr/bin/python3", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The same rendering of one of {@link PrometheusTextParser}'s samples. */
    static String key(Sample sample) {
        return key(sample.name(), new TreeMap<>(sample.labels()), sample.value());
    }

    private static String key(String name, Map<String, String> sortedLabels, double value) {
        return name + sortedLabels + " " + value;
    }

    private static double pythonFloat(String repr) {
        return switch (repr) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(repr);
        };
    }
}
