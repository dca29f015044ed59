package io.spanloop.labeler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spanloop.events.Verdict;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What the labeler counts: corrections recorded by verdict, API errors by status, the time each
 * request took, and the open review queue.
 */
final class LabelerMetrics {

    static final String CORRECTIONS = "spanloop.corrections";
    static final String API_ERRORS = "spanloop.api.errors";
    static final String REQUESTS = "spanloop.http.requests";
    static final String QUEUE_OPEN = "spanloop.review.queue.open";

    private final MeterRegistry registry;
    private final Map<Verdict, Counter> corrections = new EnumMap<>(Verdict.class);

    LabelerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Verdict verdict : Verdict.values()) {
            corrections.put(
                    verdict,
                    Counter.builder(CORRECTIONS)
                            .description("Corrections Kafka acknowledged, by verdict")
                            .tag("verdict", verdict.name())
                            .register(registry));
        }
    }

    /** The open (unreviewed) items of the queue, read at each scrape; NaN while it loads. */
    LabelerMetrics queueSize(DoubleSupplier openItems) {
        Gauge.builder(QUEUE_OPEN, openItems, DoubleSupplier::getAsDouble)
                .description("Answers waiting for review (NaN while the queue loads)")
                .strongReference(true)
                .register(registry);
        return this;
    }

    /** A correction Kafka acknowledged. */
    void recorded(Verdict verdict) {
        corrections.get(verdict).increment();
    }

    /** An error answer the API sent. */
    void apiError(int status) {
        Counter.builder(API_ERRORS)
                .description("Error answers (4xx, 5xx) of the web server, by status")
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
    }

    /**
     * A request answered: {@code route} is the matched route's path template (e.g. {@code
     * /api/items/{questionId}}), so that question ids do not each make a series.
     */
    void request(String method, String route, int status, Duration took) {
        Timer.builder(REQUESTS)
                .description("Requests to the web server and how long they took")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .serviceLevelObjectives(
                        Duration.ofMillis(5),
                        Duration.ofMillis(25),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(10))
                .register(registry)
                .record(took);
    }
}
