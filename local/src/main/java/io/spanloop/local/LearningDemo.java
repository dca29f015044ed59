package io.spanloop.local;

import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.events.Question;
import io.spanloop.local.demo.AutoAnnotator;
import io.spanloop.local.demo.DemoDomain;
import io.spanloop.local.demo.DemoEvaluation;
import io.spanloop.local.demo.DemoQuestion;
import io.spanloop.local.demo.FactType;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.TopicNames;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * here on held-out towns and printed as a row of the learning table.
 */
final class LearningDemo {

    /** The target the demo reports against (issue: new facts from <= 20% to >= 80% EM). */
    static final double TARGET_UNSEEN_EM = 80.0;

    static final long TRAINING_SEED = 11;
    static final long EVALUATION_SEED = 1011;

    /** Questions in flight ahead of the annotator, so later questions meet newer versions. */
    private static final int AHEAD = 40;

    /** The outcome, for callers that check it. */
    record Result(List<Row> rows, int labelled, List<String> asked, boolean reachedTarget) {
        Row first() {
            return rows.get(0);
        }

        Row last() {
            return rows.get(rows.size() - 1);
        }
    }

    /** One row of the learning table. */
    record Row(
            long version,
            String status,
            long labels,
            DemoEvaluation.Scores scores,
            Duration elapsed,
            String note) {}

    private final LocalOptions options;
    private final Path store;
    private final String modelName;
    private final DemoEvaluation evaluation = new DemoEvaluation(EVALUATION_SEED);
    private final long begin = System.nanoTime();
    private final List<Row> rows = new ArrayList<>();

    LearningDemo(LocalOptions options, Path store, String modelName) {
        this.options = options;
        this.store = store;
        this.modelName = modelName;
    }

    /** Asks {@code count} demo questions for people to review in the labeler. */
    void askForReview(int count) {
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
        try (KafkaProducer<String, Question> producer = DemoClients.producer(options)) {
            questions.stream().limit(count).forEach(q -> producer.send(question(q)));
        }
        LocalStack.say(
                "Asked "
                        + count
                        + " more questions about made-up towns: review their answers in the"
                        + " labeler, and the retrainer learns from your corrections.");
    }

    /**
     * Runs until the target is reached, {@code maxLabels} corrections are in and trained on, or
     * {@code timeout} passes; prints the table as it grows.
     */
    Result run(int maxLabels, double labelsPerSecond, Duration timeout)
            throws InterruptedException {
        List<DemoQuestion> questions =
                DemoDomain.questions(
                        DemoDomain.towns(
                                (maxLabels + AHEAD) / FactType.unseen().size() + 1,
                                TRAINING_SEED,
                                false),
                        FactType.unseen(),
                        false,
                        TRAINING_SEED,
                        "auto-" + Long.toString(System.currentTimeMillis(), 36) + "-");
        Map<String, TrainingExample> gold = new LinkedHashMap<>();
        questions.forEach(q -> gold.put(q.id(), q.example()));
        AutoAnnotator annotator =
                new AutoAnnotator(
                        URI.create(options.labelerUrl()),
                        options.annotator().substring(options.annotator().indexOf(':') + 1),
                        gold);
        LocalStack.say(
                String.format(
                        Locale.ROOT,
                        "Auto-labelling: up to %d answers to questions about the facts the base"
                                + " model never saw (%s), reviewed through %sapi/; every version"
                                + " scored on %d held-out towns (target: new facts EM >= %.0f,"
                                + " known facts not below the base model's)",
                        maxLabels,
                        FactType.unseen(),
                        options.labelerUrl(),
                        DemoEvaluation.TOWNS,
                        TARGET_UNSEEN_EM));
        printHeader();
        record(
                1,
                "BASE",
                0,
                score(store.resolve(modelName).resolve("1")),
                "pre-trained base model");
        long deadline = begin + timeout.toNanos();
        int asked = 0;
        int labelled = 0;
        long lastTrainedLabels = 0;
        try (KafkaProducer<String, Question> producer = DemoClients.producer(options);
                KafkaConsumer<String, ModelVersion> versions = versionConsumer()) {
            long labelsBefore = feedbackRecords(versions);
            long nextLabel = System.nanoTime();
            while (System.nanoTime() < deadline) {
                while (asked < questions.size() && asked < labelled + AHEAD) {
                    producer.send(question(questions.get(asked++)));
                }
                producer.flush();
                if (labelled < maxLabels && System.nanoTime() >= nextLabel) {
                    int budget = Math.min(maxLabels - labelled, 10);
                    try {
                        AutoAnnotator.Round round = annotator.reviewQueue(budget);
                        labelled += round.labelled();
                        nextLabel =
                                System.nanoTime()
                                        + (long) (round.labelled() * 1e9 / labelsPerSecond);
                    } catch (IOException e) {
                        LocalStack.say("labeler API: " + e.getMessage() + " (retrying)");
                        nextLabel = System.nanoTime() + 2_000_000_000L;
                    }
                }
                for (ConsumerRecord<String, ModelVersion> record :
                        versions.poll(Duration.ofMillis(250))) {
                    ModelVersion version = record.value();
                    if (version == null
                            || !version.getModelName().equals(modelName)
                            || version.getVersion() <= 1) {
                        continue;
                    }
                    lastTrainedLabels = labels(version) - labelsBefore;
                    onVersion(version, lastTrainedLabels);
                }
                if (reached()) {
                    LocalStack.say(
                            "Target reached: new facts learned without forgetting the known ones.");
                    break;
                }
                if (labelled >= maxLabels && lastTrainedLabels >= labelled) {
                    LocalStack.say("All " + labelled + " labels are trained on.");
                    break;
                }
            }
        }
        if (!reached()) {
            LocalStack.say(
                    String.format(
                            Locale.ROOT,
                            "Target NOT reached after %d labels: new facts EM %.1f (target %.0f),"
                                    + " known facts EM %.1f (base model %.1f).",
                            labelled,
                            rows.get(rows.size() - 1).scores().unseen().exactMatch(),
                            TARGET_UNSEEN_EM,
                            rows.get(rows.size() - 1).scores().known().exactMatch(),
                            rows.get(0).scores().known().exactMatch()));
        }
        return new Result(
                List.copyOf(rows),
                labelled,
                questions.subList(0, asked).stream().map(DemoQuestion::id).toList(),
                reached());
    }

    private boolean reached() {
        Row base = rows.get(0);
        Row last = rows.get(rows.size() - 1);
        return rows.size() > 1
                && last.scores().unseen().exactMatch() >= TARGET_UNSEEN_EM
                && last.scores().known().exactMatch() >= base.scores().known().exactMatch() - 2.0;
    }

    private void onVersion(ModelVersion version, long labels) {
        if (version.getStatus() == ModelStatus.REJECTED) {
            record(
                    version.getVersion(),
                    "REJECTED",
                    labels,
                    null,
                    version.getReason() == null ? "" : version.getReason());
            return;
        }
        Path dir = Path.of(URI.create(version.getUri()));
        record(
                version.getVersion(),
                "PUBLISHED",
                labels,
                score(dir),
                String.format(
                        Locale.ROOT,
                        "%d examples, %.0f s training",
                        version.getTrainingExamples(),
                        version.getTrainingSeconds()));
    }

    private DemoEvaluation.Scores score(Path versionDir) {
        try (DjlQaModel model = DjlQaModel.load(ModelDirectory.open(versionDir));
                QaPredictor predictor = model.newPredictor()) {
            return evaluation.evaluate(predictor);
        }
    }

    private void record(
            long version, String status, long labels, DemoEvaluation.Scores scores, String note) {
        Row row =
                new Row(
                        version,
                        status,
                        labels,
                        scores,
                        Duration.ofNanos(System.nanoTime() - begin),
                        note);
        if (scores == null) {
            rows.add(rows.isEmpty() ? row : withScores(row, rows.get(rows.size() - 1)));
        } else {
            rows.add(row);
        }
        print(row);
    }

    /** A rejected version is never served: the table keeps the serving version's scores. */
    private static Row withScores(Row row, Row serving) {
        return new Row(
                row.version(),
                row.status(),
                row.labels(),
                serving.scores(),
                row.elapsed(),
                row.note());
    }

    private static void printHeader() {
        System.out.printf(
                "%n  %-8s %-10s %6s   %-17s %-17s %-17s %6s%n",
                "version",
                "status",
                "labels",
                "new facts EM/F1",
                "known facts EM/F1",
                "paraphrases EM/F1",
                "time");
    }

    private static void print(Row row) {
        String scores =
                row.scores() == null
                        ? String.format("%-17s %-17s %-17s", "-", "-", "-")
                        : String.format(
                                Locale.ROOT,
                                "%-17s %-17s %-17s",
                                pair(row.scores().unseen()),
                                pair(row.scores().known()),
                                pair(row.scores().paraphrases()));
        long seconds = row.elapsed().toSeconds();
        System.out.printf(
                Locale.ROOT,
                "  v%-7d %-10s %6d   %s %3d:%02d  %s%n",
                row.version(),
                row.status(),
                row.labels(),
                row.status().equals("REJECTED") ? "(not served)" : scores,
                seconds / 60,
                seconds % 60,
                row.note());
        System.out.flush();
    }

    private static String pair(io.spanloop.qa.EvalScores scores) {
        return String.format(Locale.ROOT, "%5.1f / %5.1f", scores.exactMatch(), scores.f1());
    }

    /** Records on the feedback topic now (this run's labels are counted from here). */
    private static long feedbackRecords(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> partitions =
                consumer.partitionsFor(TopicNames.DEFAULT.feedback()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Labels a version was trained from: the feedback records before its offsets. */
    private static long labels(ModelVersion version) {
        return version.getFeedbackOffsets().stream().mapToLong(PartitionOffset::getOffset).sum();
    }

    private ProducerRecord<String, Question> question(DemoQuestion question) {
        return new ProducerRecord<>(
                TopicNames.DEFAULT.questions(),
                question.id(),
                DemoClients.question(question.example()));
    }

    private KafkaConsumer<String, ModelVersion> versionConsumer() {
        KafkaConsumer<String, ModelVersion> consumer = DemoClients.consumer(options, "latest");
        consumer.subscribe(List.of(TopicNames.DEFAULT.modelVersions()));
        return consumer;
    }
}
