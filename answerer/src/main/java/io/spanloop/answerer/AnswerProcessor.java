package io.spanloop.answerer;

import io.spanloop.events.Question;
import io.spanloop.qa.QaInferenceException;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaPredictor;
import io.spanloop.qa.QaResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers questions in batches: valid questions go to a changelogged buffer, a full buffer or the
 * max-wait punctuation runs one model call for a batch, and each answer is forwarded while the
 * batch leaves the buffer, all inside the task's transaction. Bad input is dead-lettered.
 */
final class AnswerProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerProcessor.class);

    private final BatchSettings settings;
    private final ModelSlot models;
    private final AnswerMetrics metrics;
    private final QuestionParser parser;
    private final QuestionValidator validator;
    private final String questionsTopic;
    // wall clock of arrivals; Streams' currentSystemTimeMs() is cached per poll loop iteration,
    // which stamps records processed after a long model call as already overdue
    private final LongSupplier clock;

    private ProcessorContext<Object, Object> context;
    private QuestionBuffer buffer;

    AnswerProcessor(
            BatchSettings settings,
            ModelSlot models,
            AnswerMetrics metrics,
            QuestionParser parser,
            String questionsTopic,
            LongSupplier clock) {
        this.settings = settings;
        this.models = models;
        this.metrics = metrics;
        this.parser = parser;
        this.validator = new QuestionValidator(settings);
        this.questionsTopic = questionsTopic;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        KeyValueStore<Long, byte[]> store = context.getStateStore(AnswererTopology.BUFFER_STORE);
        buffer = new QuestionBuffer(store, parser);
        if (!buffer.isEmpty()) {
            LOG.info(
                    "Task {} resumes with {} buffered question(s)",
                    context.taskId(),
                    buffer.size());
        }
        // check often; answer only batches whose oldest question waited the full max wait, so a
        // punctuation that comes due during a long model call does not cut a filling batch short
        Duration every = settings.maxWait().dividedBy(4);
        context.schedule(
                every.isZero() ? Duration.ofMillis(1) : every,
                PunctuationType.WALL_CLOCK_TIME,
                this::flushOverdue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        int partition = metadata.map(RecordMetadata::partition).orElse(-1);
        long offset = metadata.map(RecordMetadata::offset).orElse(-1L);
        Question question;
        try {
            question = parser.parse(record.value());
        } catch (RuntimeException e) {
            deadLetter(
                    record.key(),
                    record.value(),
                    record.timestamp(),
                    record.headers(),
                    DeadLetterReason.UNDESERIALIZABLE,
                    "undeserializable question: " + e.getMessage(),
                    e,
                    partition,
                    offset);
            return;
        }
        Optional<QuestionValidator.Problem> problem = validator.problem(question);
        if (problem.isPresent()) {
            deadLetter(
                    record.key(),
                    record.value(),
                    record.timestamp(),
                    record.headers(),
                    problem.get().reason(),
                    problem.get().message(),
                    null,
                    partition,
                    offset);
            return;
        }
        buffer.add(
                new BufferedQuestion(
                        buffer.nextSequence(),
                        record.key(),
                        record.value(),
                        record.timestamp(),
                        partition,
                        offset,
                        question,
                        clock.getAsLong()));
        while (buffer.size() >= settings.maxSize()) {
            answerBatch(buffer.peek(settings.maxSize()));
        }
    }

    private void flushOverdue(long now) {
        while (!buffer.isEmpty()
                && now - buffer.oldestArrivedMs() >= settings.maxWait().toMillis()) {
            answerBatch(buffer.peek(settings.maxSize()));
        }
    }

    private void answerBatch(List<BufferedQuestion> batch) {
        List<QaInput> inputs =
                batch.stream()
                        .map(
                                q ->
                                        new QaInput(
                                                q.question().getQuestion(),
                                                q.question().getContext()))
                        .toList();
        try (ModelSlot.Lease lease = models.lease()) {
            long start = System.nanoTime();
            QaPredictor predictor = lease.predictor();
            QaPredictor.StageTimes before = predictor.stageTimes();
            List<QaResult> results;
            try {
                results = predictor.answer(inputs);
            } catch (QaInferenceException e) {
                LOG.warn(
                        "Batch of {} failed, answering one by one: {}", batch.size(), e.toString());
                answerOneByOne(batch, lease);
                buffer.removeOldest(batch.size());
                return;
            }
            long nanos = System.nanoTime() - start;
            metrics.modelCall(batch.size(), nanos, predictor.stageTimes().since(before));
            long micros = nanos / 1_000;
            Instant now = Instant.now();
            for (int i = 0; i < batch.size(); i++) {
                BufferedQuestion question = batch.get(i);
                forwardAnswer(question, results.get(i), lease, micros, batch.size(), now);
            }
        }
        buffer.removeOldest(batch.size());
    }

    private void answerOneByOne(List<BufferedQuestion> batch, ModelSlot.Lease lease) {
        for (BufferedQuestion question : batch) {
            long start = System.nanoTime();
            QaPredictor.StageTimes before = lease.predictor().stageTimes();
            try {
                QaResult result =
                        lease.predictor()
                                .answer(
                                        List.of(
                                                new QaInput(
                                                        question.question().getQuestion(),
                                                        question.question().getContext())))
                                .get(0);
                long nanos = System.nanoTime() - start;
                metrics.modelCall(1, nanos, lease.predictor().stageTimes().since(before));
                long micros = nanos / 1_000;
                forwardAnswer(question, result, lease, micros, 1, Instant.now());
            } catch (QaInferenceException e) {
                deadLetter(
                        question.key(),
                        question.value(),
                        question.timestamp(),
                        null,
                        DeadLetterReason.INFERENCE_FAILED,
                        "inference failed: " + e.getMessage(),
                        e,
                        question.partition(),
                        question.offset());
            }
        }
    }

    private void forwardAnswer(
            BufferedQuestion question,
            QaResult result,
            ModelSlot.Lease lease,
            long micros,
            int batchSize,
            Instant now) {
        context.forward(
                new Record<Object, Object>(
                        question.question().getId(),
                        Answers.of(
                                question.question(), result, lease.model(), micros, batchSize, now),
                        question.timestamp()),
                AnswererTopology.ANSWERS_SINK);
        metrics.answered(lease.model().version());
    }

    private void deadLetter(
            byte[] key,
            byte[] value,
            long timestamp,
            Headers original,
            DeadLetterReason kind,
            String reason,
            Throwable error,
            int partition,
            long offset) {
        LOG.warn(
                "Dead-lettering question at {}-{}@{}: {}",
                questionsTopic,
                partition,
                offset,
                reason);
        Headers headers =
                DeadLetters.headers(original, reason, error, questionsTopic, partition, offset);
        context.forward(
                new Record<Object, Object>(key, value, timestamp, headers),
                AnswererTopology.DEAD_LETTER_SINK);
        metrics.deadLettered(kind);
    }
}
