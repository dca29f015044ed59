package io.spanloop.testkit.metrics;

import java.util.Map;
import java.util.OptionalLong;

/** One sample line: its name (with any _bucket/_sum/_count suffix), labels, value, timestamp. */
public record Sample(
        String name, Map<String, String> labels, double value, OptionalLong timestamp) {

    public Sample {
        labels = Map.copyOf(labels);
    }

    /** Whether every label in {@code subset} has that value here. */
    public boolean hasLabels(Map<String, String> subset) {
        return labels.entrySet().containsAll(subset.entrySet());
    }
}
