package io.spanloop.testkit.metrics;

import java.util.List;

/** One metric family: its name, TYPE (untyped when none), HELP (empty when none) and samples. */
public record MetricFamily(String name, Type type, String help, List<Sample> samples) {

    /** The types a TYPE line may name. */
    public enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM,
        SUMMARY,
        UNTYPED
    }

    public MetricFamily {
        samples = List.copyOf(samples);
    }
}
