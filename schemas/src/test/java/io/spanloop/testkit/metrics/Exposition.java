package io.spanloop.testkit.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A parsed scrape: its metric families in the order they came, and ways to look samples up. */
public record Exposition(List<MetricFamily> families) {

    public Exposition {
        families = List.copyOf(families);
    }

    public Optional<MetricFamily> family(String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Every sample named {@code sampleName} (e.g. {@code x_bucket}) whose labels include these. */
    public List<Sample> samples(String sampleName, Map<String, String> labels) {
        return allSamples()
                .filter(s -> s.name().equals(sampleName) && s.hasLabels(labels))
                .toList();
    }

    /** The sum of the samples {@link #samples} finds; 0 when there is none. */
    public double sum(String sampleName, Map<String, String> labels) {
        return samples(sampleName, labels).stream().mapToDouble(Sample::value).sum();
    }

    public double sum(String sampleName) {
        return sum(sampleName, Map.of());
    }

    /** The value of the one sample {@link #samples} finds; fails on none or several. */
    public double value(String sampleName, Map<String, String> labels) {
        List<Sample> found = samples(sampleName, labels);
        if (found.size() != 1) {
            throw new AssertionError(
                    found.size() + " samples " + sampleName + labels + " in the scrape: " + found);
        }
        return found.get(0).value();
    }

    public double value(String sampleName) {
        return value(sampleName, Map.of());
    }

    public boolean has(String sampleName) {
        return allSamples().anyMatch(s -> s.name().equals(sampleName));
    }

    private Stream<Sample> allSamples() {
        return families.stream().flatMap(f -> f.samples().stream());
    }
}
