package io.spanloop.retrainer;

import io.spanloop.config.ServiceConfigs;
import io.spanloop.events.TrainingProgress;
import io.spanloop.events.TrainingState;
import io.spanloop.schemas.Topic;
import io.spanloop.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each training run's progress to the training-progress topic (key: the model name): a
 * report every {@code progress.interval.ms} while it trains, then EVALUATING, then DONE (or FAILED
 * when the run ends with an error). Progress is for people to watch: it never blocks or fails a
 * training — reports are sent from a thread of their own, a newer one replacing any not yet sent,
 * and a report Kafka does not take is logged and dropped.
 */
final class ProgressReports {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReports.class);

    private final RetrainerConfig config;
    private final Topic<String, TrainingProgress> topic;

    ProgressReports(RetrainerConfig config) {
        this.config = config;
        this.topic =
                Topics.of(config.topicNames(), ServiceConfigs.avroSerdes(config))
                        .trainingProgress();
    }

    /** What a run trains on, known before its first step. */
    record Plan(
            String modelName,
            long version,
            long parentVersion,
            int labels,
            int newLabels,
            int trainingExamples,
            int evalExamples) {}

    /** Starts reporting a run: publishes it as RUNNING at step 0 at once. */
    Run begin(Plan plan) {
        return new Run(plan, producer(), config.progressInterval());
    }

    private KafkaProducer<String, TrainingProgress> producer() {
        Map<String, Object> props = config.kafka().clientProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spanloop-retrainer-progress");
        return new KafkaProducer<>(
                props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /**
     * One run's reports; {@link io.spanloop.qa.TrainingProgress} for the fine-tuner. Closing it
     * without {@link #done()} reports the run FAILED.
     */
    final class Run implements io.spanloop.qa.TrainingProgress, AutoCloseable {

        private final Plan plan;
        private final KafkaProducer<String, TrainingProgress> producer;
        private final Duration interval;
        private final ExecutorService sender;
        private final AtomicReference<TrainingProgress> unsent = new AtomicReference<>();
        private final AtomicInteger failures = new AtomicInteger();
        private final Instant startedAt = Instant.now();
        private TrainingProgress last;
        private long nextLogLine = System.nanoTime() + INTERVAL.toNanos();
        private boolean finished;

        private Run(
                Plan plan, KafkaProducer<String, TrainingProgress> producer, Duration interval) {
            this.plan = plan;
            this.producer = producer;
            this.interval = interval;
            this.sender =
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread thread = new Thread(r, "training-progress");
                                thread.setDaemon(true);
                                return thread;
                            });
            publish(
                    TrainingProgress.newBuilder()
                            .setModelName(plan.modelName())
                            .setVersion(plan.version())
                            .setParentVersion(plan.parentVersion())
                            .setState(TrainingState.RUNNING)
                            .setLabels(plan.labels())
                            .setNewLabels(plan.newLabels())
                            .setTrainingExamples(plan.trainingExamples())
                            .setEvalExamples(plan.evalExamples())
                            .setEpoch(0)
                            .setEpochs(config.trainingOptions().epochs())
                            .setStep(0)
                            .setTotalSteps(0)
                            .setStartedAt(startedAt)
                            .setUpdatedAt(startedAt)
                            .build());
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public void report(Report report) {
            publish(
                    TrainingProgress.newBuilder(last)
                            .setState(TrainingState.RUNNING)
                            .setEpoch(report.epoch())
                            .setEpochs(report.epochs())
                            .setStep(report.step())
                            .setTotalSteps(report.totalSteps())
                            .setLoss(report.loss())
                            .setExamplesPerSecond(report.examplesPerSecond())
                            .setEtaSeconds(report.remaining().toSeconds())
                            .setUpdatedAt(Instant.now())
                            .build());
            long now = System.nanoTime();
            if (now >= nextLogLine || report.step() == report.totalSteps()) {
                LOG.info("Training {}", report);
                nextLogLine = now + INTERVAL.toNanos();
            }
        }

        /** Training is over; the gate scores candidate and incumbent now. */
        void evaluating() {
            publish(state(TrainingState.EVALUATING));
        }

        /** Trained and judged: the version's event follows. */
        void done() {
            finished = true;
            publish(state(TrainingState.DONE));
        }

        private TrainingProgress state(TrainingState state) {
            return TrainingProgress.newBuilder(last)
                    .setState(state)
                    .setEtaSeconds(state == TrainingState.RUNNING ? last.getEtaSeconds() : null)
                    .setUpdatedAt(Instant.now())
                    .build();
        }

        private void publish(TrainingProgress report) {
            last = report;
            if (unsent.getAndSet(report) == null) {
                sender.execute(this::sendLatest);
            }
        }

        private void sendLatest() {
            TrainingProgress report = unsent.getAndSet(null);
            if (report == null) {
                return;
            }
            try {
                producer.send(
                        new ProducerRecord<>(topic.name(), report.getModelName(), report),
                        (metadata, e) -> {
                            if (e != null) {
                                failed(e);
                            }
                        });
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void failed(Exception e) {
            if (failures.getAndIncrement() == 0) {
                LOG.warn(
                        "Training progress of {} v{} not published to {} (training goes on): {}",
                        plan.modelName(),
                        plan.version(),
                        topic.name(),
                        e.toString());
            }
        }

        /** Reports FAILED unless {@link #done()}, sends what is left, stops the producer. */
        @Override
        public void close() {
            if (!finished) {
                publish(state(TrainingState.FAILED));
            }
            sender.shutdown();
            try {
                if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Training progress: the last report is still being sent; dropped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ofSeconds(10));
            int failed = failures.get();
            if (failed > 1) {
                LOG.warn(
                        "{} progress reports of {} v{} were not published",
                        failed,
                        plan.modelName(),
                        plan.version());
            }
        }
    }
}
