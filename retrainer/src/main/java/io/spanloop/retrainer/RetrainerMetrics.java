package io.spanloop.retrainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What the retrainer counts: trainings by outcome ({@code published}, {@code rejected}, or {@code
 * failed}: an exception, the retrainer stops) and how long each took, the speed of the last
 * training, and the new labels it has not trained on yet.
 */
final class RetrainerMetrics {

    static final String TRAININGS = "spanloop.trainings";
    static final String TRAINING_DURATION = "spanloop.training.duration";
    static final String EXAMPLES_PER_SECOND = "spanloop.training.examples.per.second";
    static final String PENDING_LABELS = "spanloop.labels.pending";
    static final String FAILED = "failed";

    private final MeterRegistry registry;
    private volatile double lastExamplesPerSecond;

    RetrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String status :
                List.of(status(ModelStatus.PUBLISHED), status(ModelStatus.REJECTED), FAILED)) {
            trainings(status);
            duration(status);
        }
        Gauge.builder(EXAMPLES_PER_SECOND, this, metrics -> metrics.lastExamplesPerSecond)
                .strongReference(true)
                .description(
                        "Training examples per second of the last fine-tuning (examples x epochs"
                                + " / training seconds; 0 before the first)")
                .register(registry);
    }

    /** New labels not covered by the last version, as {@code pending} counts them each check. */
    static void pendingLabels(MeterRegistry registry, LongSupplier pending) {
        Gauge.builder(PENDING_LABELS, pending, LongSupplier::getAsLong)
                .description(
                        "Corrections on the feedback topic after the offsets the last version"
                                + " covered (as of the last trigger check)")
                .strongReference(true)
                .register(registry);
    }

    /** A training that ended with {@code event}, after {@code took}. */
    void trained(ModelVersion event, Duration took) {
        String status = status(event.getStatus());
        trainings(status).increment();
        duration(status).record(took);
        if (event.getTrainingSeconds() > 0) {
            double speed =
                    (double) event.getTrainingExamples()
                            * Math.max(1, event.getEpochs())
                            / event.getTrainingSeconds();
            lastExamplesPerSecond = speed;
        }
    }

    /** A training that threw after {@code took}. */
    void failed(Duration took) {
        trainings(FAILED).increment();
        duration(FAILED).record(took);
    }

    private Counter trainings(String status) {
        return Counter.builder(TRAININGS)
                .description("Trainings run by this retrainer, by outcome")
                .tag("status", status)
                .register(registry);
    }

    private Timer duration(String status) {
        return Timer.builder(TRAINING_DURATION)
                .description("Wall time of one training: fine-tuning, evaluation and writing")
                .tag("status", status)
                .serviceLevelObjectives(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(2),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(30),
                        Duration.ofHours(1),
                        Duration.ofHours(3))
                .register(registry);
    }

    private static String status(ModelStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
