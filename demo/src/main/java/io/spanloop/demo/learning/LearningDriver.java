package io.spanloop.demo.learning;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.demo.domain.DemoQuestion;
import io.spanloop.demo.domain.FactType;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.events.Question;
import io.spanloop.events.VersionAction;
import io.spanloop.local.Console;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code spanloop demo --auto-label}: the loop running unattended. Questions about training-side
 * towns, on the facts the base model never saw, go to qa.questions a little ahead of a simulated
 * annotator, which reviews the answers through the labeler's HTTP API; the retrainer turns the
 * corrections into new versions, the answerer reloads them, and every published version is scored
 * ({@link VersionScorer}) and printed as a row of the {@link LearningTable}.
 */
public final class LearningDriver {

    /** Seed of the questions asked (training-side towns). */
    static final long TRAINING_SEED = 11;

    /** Questions in flight ahead of the annotator, so later questions meet newer versions. */
    private static final int AHEAD = 40;

    /** Answers reviewed per round before the annotator pauses to keep its rate. */
    private static final int REVIEW_BATCH = 10;

    /** How long the annotator waits after the labeler's API failed. */
    private static final Duration API_RETRY = Duration.ofSeconds(2);

    private static final Duration VERSION_POLL = Duration.ofMillis(250);

    /** The outcome, for callers that check it. */
    public record Result(
            List<LearningTable.Row> rows, int labelled, List<String> asked, boolean reachedTarget) {

        public LearningTable.Row first() {
            return rows.get(0);
        }

        public LearningTable.Row last() {
            return rows.get(rows.size() - 1);
        }
    }

    private final DemoClients clients;
    private final URI labeler;
    private final String token;
    private final Path store;
    private final String modelName;
    private final LearningTarget target;
    private final VersionScorer scorer = new VersionScorer();
    private final LearningTable table;

    /**
     * @param clients Kafka clients of the running stack
     * @param labeler the labeler's base URL
     * @param token the annotator's API token
     * @param store the model store the retrainer writes versions to
     * @param modelName the model being retrained
     * @param target when to stop early
     * @param out where the table is printed
     */
    public LearningDriver(
            DemoClients clients,
            URI labeler,
            String token,
            Path store,
            String modelName,
            LearningTarget target,
            PrintStream out) {
        this.clients = clients;
        this.labeler = labeler;
        this.token = token;
        this.store = store;
        this.modelName = modelName;
        this.target = target;
        this.table = new LearningTable(out);
    }

    /** Asks {@code count} demo questions, on every fact, for people to review in the labeler. */
    public void askForReview(int count) {
        List<DemoQuestion> questions =
                DemoDomain.questions(
                        DemoDomain.towns(
                                count / FactType.values().length + 1,
                                System.currentTimeMillis(),
                                false),
                        List.of(FactType.values()),
                        false,
                        TRAINING_SEED,
                        "review-" + Long.toString(System.currentTimeMillis(), 36) + "-");
        Topic<String, Question> topic = clients.topics().questions();
        try (KafkaProducer<String, Question> producer = clients.producer(topic)) {
            questions.stream().limit(count).forEach(q -> producer.send(record(topic, q)));
        }
        Console.say(
                "Asked "
                        + count
                        + " more questions about made-up towns: review their answers in the"
                        + " labeler, and the retrainer learns from your corrections.");
    }

    /**
     * Runs until the target is reached, {@code maxLabels} corrections are in and trained on, or
     * {@code timeout} passes; prints the table as it grows.
     */
    public Result run(int maxLabels, double labelsPerSecond, Duration timeout)
            throws InterruptedException {
        return run(maxLabels, labelsPerSecond, timeout, 0);
    }

    /**
     * As {@link #run(int, double, Duration)}; with {@code lockstep} above 0, the annotator labels
     * that many answers, then waits for the version trained on them before it labels more, so that
     * each version learns from the same labels on every run.
     */
    public Result run(int maxLabels, double labelsPerSecond, Duration timeout, int lockstep)
            throws InterruptedException {
        announce(maxLabels);
        table.printHeader();
        table.add(
                1,
                LearningTable.BASE,
                0,
                scorer.score(store.resolve(modelName).resolve("1")),
                "pre-trained base model");
        long deadline = System.nanoTime() + timeout.toNanos();
        Topic<String, Question> topic = clients.topics().questions();
        Loop loop;
        try (KafkaProducer<String, Question> producer = clients.producer(topic);
                KafkaConsumer<String, ModelVersion> versions =
                        clients.consumer(clients.topics().modelVersions(), "latest")) {
            long labelsBefore = feedbackRecords(versions);
            loop =
                    new Loop(
                            questions(maxLabels, labelsBefore),
                            maxLabels,
                            labelsPerSecond,
                            lockstep);
            loop.labelsBefore = labelsBefore;
            while (System.nanoTime() < deadline) {
                loop.askAhead(producer, topic);
                loop.reviewIfDue();
                readVersions(versions, loop);
                if (target.reachedBy(table)) {
                    Console.say(
                            "Target reached: new facts learned without forgetting the known ones.");
                    break;
                }
                if (loop.allLabelsTrainedOn()) {
                    Console.say("All " + loop.labelled + " labels are trained on.");
                    break;
                }
                if (loop.noTrainingToCome()) {
                    Console.say(
                            "All "
                                    + loop.labelled
                                    + " labels given; the last "
                                    + (loop.labelled - loop.lastTrainedLabels)
                                    + " are fewer than one training needs, so no version is"
                                    + " coming.");
                    break;
                }
            }
        }
        boolean reached = target.reachedBy(table);
        if (!reached) {
            reportMiss(loop.labelled);
        }
        return new Result(
                table.rows(),
                loop.labelled,
                loop.questions.subList(0, loop.asked).stream().map(DemoQuestion::id).toList(),
                reached);
    }

    /**
     * The questions of one run, the same on every fresh data directory: ids are numbered from the
     * labels already there (so a run on old data asks new ids), and the retrainer's hash-based
     * hold-out picks the same ones each time.
     */
    private List<DemoQuestion> questions(int maxLabels, long labelsBefore) {
        return DemoDomain.questions(
                DemoDomain.towns(
                        (maxLabels + AHEAD) / FactType.unseen().size() + 1, TRAINING_SEED, false),
                FactType.unseen(),
                false,
                TRAINING_SEED,
                "auto-" + labelsBefore + "-");
    }

    /** The state of one unattended run: what was asked and labelled, and what is trained on. */
    private final class Loop {
        private final List<DemoQuestion> questions;
        private final AutoAnnotator annotator;
        private final int maxLabels;
        private final double labelsPerSecond;
        private final int lockstep;
        private int asked;
        private int labelled;
        private long labelsBefore;
        private long lastTrainedLabels;
        private long nextReview = System.nanoTime();

        Loop(List<DemoQuestion> questions, int maxLabels, double labelsPerSecond, int lockstep) {
            this.questions = questions;
            Map<String, TrainingExample> gold = new LinkedHashMap<>();
            questions.forEach(q -> gold.put(q.id(), q.example()));
            this.annotator = new AutoAnnotator(labeler, token, gold);
            this.maxLabels = maxLabels;
            this.labelsPerSecond = labelsPerSecond;
            this.lockstep = lockstep;
        }

        /** Labels allowed now: the budget, and in lockstep one training's worth past the last. */
        private int allowed() {
            int budget = maxLabels - labelled;
            if (lockstep > 0) {
                budget = Math.min(budget, (int) (lastTrainedLabels + lockstep) - labelled);
            }
            return Math.min(budget, REVIEW_BATCH);
        }

        void askAhead(KafkaProducer<String, Question> producer, Topic<String, Question> topic) {
            while (asked < questions.size() && asked < labelled + AHEAD) {
                producer.send(record(topic, questions.get(asked++)));
            }
            producer.flush();
        }

        void reviewIfDue() throws InterruptedException {
            int allowed = allowed();
            if (allowed <= 0 || System.nanoTime() < nextReview) {
                return;
            }
            try {
                AutoAnnotator.Round round = annotator.reviewQueue(allowed);
                labelled += round.labelled();
                nextReview = System.nanoTime() + (long) (round.labelled() * 1e9 / labelsPerSecond);
            } catch (IOException e) {
                Console.say("labeler API: " + e.getMessage() + " (retrying)");
                nextReview = System.nanoTime() + API_RETRY.toNanos();
            }
        }

        boolean allLabelsTrainedOn() {
            return labelled >= maxLabels && lastTrainedLabels >= labelled;
        }

        /**
         * In lockstep the retrainer trains only on a full batch (its time trigger is off): once the
         * budget is spent with less than a batch left, no version is coming.
         */
        boolean noTrainingToCome() {
            return lockstep > 0 && labelled >= maxLabels && labelled - lastTrainedLabels < lockstep;
        }
    }

    private void readVersions(KafkaConsumer<String, ModelVersion> versions, Loop loop) {
        for (ConsumerRecord<String, ModelVersion> record : versions.poll(VERSION_POLL)) {
            ModelVersion version = record.value();
            if (version == null
                    || !version.getModelName().equals(modelName)
                    || version.getAction() != VersionAction.TRAINED
                    || version.getVersion() <= 1) {
                continue;
            }
            loop.lastTrainedLabels = labels(version) - loop.labelsBefore;
            if (version.getStatus() == ModelStatus.REJECTED) {
                table.addRejected(
                        version.getVersion(),
                        loop.lastTrainedLabels,
                        version.getReason() == null ? "" : version.getReason());
            } else {
                table.add(
                        version.getVersion(),
                        LearningTable.PUBLISHED,
                        loop.lastTrainedLabels,
                        scorer.score(Path.of(URI.create(version.getUri()))),
                        String.format(
                                Locale.ROOT,
                                "%d examples, %.0f s training",
                                version.getTrainingExamples(),
                                version.getTrainingSeconds()));
            }
        }
    }

    private void announce(int maxLabels) {
        Console.say(
                String.format(
                        Locale.ROOT,
                        "Auto-labelling: up to %d answers to questions about the facts the base"
                                + " model never saw (%s), reviewed through %sapi/; every version"
                                + " scored on %d held-out towns (target: %s)",
                        maxLabels,
                        FactType.unseen(),
                        labeler,
                        DemoEvaluation.TOWNS,
                        target.describe()));
    }

    private void reportMiss(int labelled) {
        Console.say(
                String.format(
                        Locale.ROOT,
                        "Target NOT reached after %d labels: new facts EM %.1f, known facts EM"
                                + " %.1f (base model %.1f), paraphrases EM %.1f; the target: %s.",
                        labelled,
                        table.last().scores().unseen().exactMatch(),
                        table.last().scores().known().exactMatch(),
                        table.first().scores().known().exactMatch(),
                        table.last().scores().paraphrases().exactMatch(),
                        target.describe()));
    }

    /** Records on the feedback topic now (this run's labels are counted from here). */
    private long feedbackRecords(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> partitions =
                consumer.partitionsFor(clients.topics().feedback().name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Labels a version was trained from: the feedback records before its offsets. */
    private static long labels(ModelVersion version) {
        return version.getFeedbackOffsets().stream().mapToLong(PartitionOffset::getOffset).sum();
    }

    private static ProducerRecord<String, Question> record(
            Topic<String, Question> topic, DemoQuestion question) {
        return new ProducerRecord<>(topic.name(), question.id(), DemoClients.question(question));
    }
}
