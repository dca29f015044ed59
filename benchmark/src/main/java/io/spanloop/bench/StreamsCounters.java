package io.spanloop.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Cumulative Kafka Streams and producer metrics of the answerer, summed over its threads and
 * clients; the difference of two snapshots says where a phase's wall time went.
 */
final class StreamsCounters {

    static final String BLOCKED_NS = "stream-thread-metrics/blocked-time-ns-total";
    static final String COMMITS = "stream-thread-metrics/commit-total";
    static final String TXN_COMMIT_NS = "producer-metrics/txn-commit-time-ns-total";
    static final String TXN_SEND_OFFSETS_NS = "producer-metrics/txn-send-offsets-time-ns-total";
    static final String TXN_BEGIN_NS = "producer-metrics/txn-begin-time-ns-total";
    static final String FLUSH_NS = "producer-metrics/flush-time-ns-total";

    private static final List<String> NAMES =
            List.of(
                    BLOCKED_NS,
                    COMMITS,
                    TXN_COMMIT_NS,
                    TXN_SEND_OFFSETS_NS,
                    TXN_BEGIN_NS,
                    FLUSH_NS);

    private final Map<String, Double> values;

    private StreamsCounters(Map<String, Double> values) {
        this.values = values;
    }

    static StreamsCounters snapshot(KafkaStreams streams) {
        Map<String, Double> values = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            String key = entry.getKey().group() + "/" + entry.getKey().name();
            if (NAMES.contains(key) && entry.getValue().metricValue() instanceof Number n) {
                values.merge(key, n.doubleValue(), Double::sum);
            }
        }
        return new StreamsCounters(values);
    }

    /** How much {@code name} grew from {@code before} to this snapshot (NaN when unknown). */
    double since(StreamsCounters before, String name) {
        Double now = values.get(name);
        Double then = before.values.get(name);
        return now == null || then == null ? Double.NaN : now - then;
    }
}
