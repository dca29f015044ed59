package io.spanloop.answerer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spanloop.qa.QaPredictor;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the answering counts: answers by model version, the size and duration of each model call,
 * and dead letters by reason. Counted as the stream threads process, so a transaction that aborts
 * (a crash, a rebalance) counts the answers it redoes twice.
 */
public final class AnswerMetrics {

    static final String ANSWERS = "spanloop.answers";
    static final String BATCH_SIZE = "spanloop.batch.size";
    static final String INFERENCE = "spanloop.inference";
    static final String DEAD_LETTERS = "spanloop.dead.letters";
    static final String MODEL_STAGE = "spanloop.model.stage";

    private final MeterRegistry registry;
    private final Map<Long, Counter> answersByVersion = new ConcurrentHashMap<>();
    private final DistributionSummary batchSizes;
    private final Timer inference;
    private final Map<DeadLetterReason, Counter> deadLetters =
            new EnumMap<>(DeadLetterReason.class);
    private final Counter encodeSeconds;
    private final Counter forwardSeconds;
    private final Counter decodeSeconds;

    public AnswerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSizes =
                DistributionSummary.builder(BATCH_SIZE)
                        .description("Questions answered by one model call")
                        .baseUnit("questions")
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
                        .register(registry);
        this.inference =
                Timer.builder(INFERENCE)
                        .description("Duration of one model call (a batch, or one question)")
                        .serviceLevelObjectives(
                                millis(5),
                                millis(10),
                                millis(25),
                                millis(50),
                                millis(100),
                                millis(250),
                                millis(500),
                                millis(1_000),
                                millis(2_500),
                                millis(5_000),
                                millis(10_000),
                                millis(30_000))
                        .register(registry);
        encodeSeconds = stage(registry, "encode");
        forwardSeconds = stage(registry, "forward");
        decodeSeconds = stage(registry, "decode");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(
                    reason,
                    Counter.builder(DEAD_LETTERS)
                            .description("Questions sent to the dead-letter topic, by reason")
                            .tag("reason", reason.label())
                            .register(registry));
        }
    }

    private static Counter stage(MeterRegistry registry, String stage) {
        return Counter.builder(MODEL_STAGE)
                .description(
                        "Time inside model calls by stage: encode (tokenising, windows), forward"
                                + " (the forward passes), decode (choosing spans)")
                .baseUnit("seconds")
                .tag("stage", stage)
                .register(registry);
    }

    private static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }

    /** One answer written, by {@code modelVersion}. */
    void answered(long modelVersion) {
        answersByVersion
                .computeIfAbsent(
                        modelVersion,
                        version ->
                                Counter.builder(ANSWERS)
                                        .description("Answers written, by the model version")
                                        .tag("model_version", Long.toString(version))
                                        .register(registry))
                .increment();
    }

    /**
     * One model call over {@code questions} questions that took {@code nanos}, {@code stages} of it
     * spent in each stage.
     */
    void modelCall(int questions, long nanos, QaPredictor.StageTimes stages) {
        batchSizes.record(questions);
        inference.record(nanos, TimeUnit.NANOSECONDS);
        encodeSeconds.increment(stages.encodeNanos() / 1e9);
        forwardSeconds.increment(stages.forwardNanos() / 1e9);
        decodeSeconds.increment(stages.decodeNanos() / 1e9);
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }
}
