package io.spanloop.bench;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.QaInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One timed phase against the running answerer: produce questions (all at once, or paced at a
 * rate), wait for every answer, and turn the timestamps into throughput and latencies.
 */
final class LoadPhase {

    /**
     * What a phase measured. Times are wall-clock milliseconds of this JVM (producer, consumer and
     * answerer share the clock).
     *
     * @param name burst or paced
     * @param offeredRate questions per second offered (0 = all at once)
     * @param questions questions produced
     * @param answered questions answered before the timeout
     * @param firstSend when the first question was handed to the producer
     * @param lastReceive when the consumer got the last answer
     * @param latency submittedAt to consumer receive, per question, sorted
     * @param toAnswered submittedAt to the answerer's answeredAt (queueing + model call), sorted
     * @param toVisible answeredAt to consumer receive (transaction commit + fetch), sorted
     * @param batches model calls the answers came from (by each answer's batchSize)
     * @param modelMicros time inside {@code QaPredictor.answer} (each answer's inferenceMicros)
     * @param before the answerer's counters when the phase began
     * @param after the answerer's counters when its last answer arrived
     * @param answers the answers, in question order, for the serialization cost estimate
     * @param cpu where the CPU went during the phase (empty when unknown)
     */
    record Result(
            String name,
            double offeredRate,
            int questions,
            int answered,
            long firstSend,
            long lastReceive,
            long[] latency,
            long[] toAnswered,
            long[] toVisible,
            double batches,
            double modelMicros,
            StreamsCounters before,
            StreamsCounters after,
            List<Answer> answers,
            CpuAccounting.Usage cpu) {

        boolean complete() {
            return answered == questions;
        }

        double wallSeconds() {
            return (lastReceive - firstSend) / 1e3;
        }

        double answersPerSecond() {
            return answered / wallSeconds();
        }

        double meanBatchSize() {
            return answered / batches;
        }

        /** Share of the wall time the answerer spent inside model calls. */
        double modelShare() {
            return modelMicros / 1e3 / (lastReceive - firstSend);
        }

        /** Share of the wall time the answerer's counter {@code name} (ns) grew by. */
        double nanosShare(String name) {
            return after.since(before, name) / 1e6 / (lastReceive - firstSend);
        }

        double counter(String name) {
            return after.since(before, name);
        }
    }

    private final KafkaProducer<String, Question> producer;
    private final String questionsTopic;
    private final AnswerCollector collector;
    private final KafkaStreams streams;

    LoadPhase(
            KafkaProducer<String, Question> producer,
            String questionsTopic,
            AnswerCollector collector,
            KafkaStreams streams) {
        this.producer = producer;
        this.questionsTopic = questionsTopic;
        this.collector = collector;
        this.streams = streams;
    }

    /**
     * Produces {@code inputs} with ids {@code prefix-0..} at {@code rate} per second (0 = as fast
     * as the producer takes them) and waits for their answers.
     */
    Result run(String name, String prefix, List<QaInput> inputs, double rate, Duration timeout)
            throws InterruptedException {
        List<String> ids = new ArrayList<>(inputs.size());
        long[] submitted = new long[inputs.size()];
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        StreamsCounters before = StreamsCounters.snapshot(streams);
        CpuAccounting cpuBefore = CpuAccounting.snapshot();
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long startNanos = System.nanoTime();
        long firstSend = System.currentTimeMillis();
        for (int i = 0; i < inputs.size(); i++) {
            if (intervalNanos > 0) {
                long due = startNanos + i * intervalNanos;
                for (long wait = due - System.nanoTime(); wait > 0; ) {
                    LockSupport.parkNanos(wait);
                    wait = due - System.nanoTime();
                }
            }
            String id = prefix + "-" + i;
            ids.add(id);
            submitted[i] = System.currentTimeMillis();
            Question question =
                    Question.newBuilder()
                            .setId(id)
                            .setQuestion(inputs.get(i).question())
                            .setContext(inputs.get(i).context())
                            .setSubmittedAt(Instant.ofEpochMilli(submitted[i]))
                            .setAttributes(Map.of())
                            .build();
            producer.send(
                    new ProducerRecord<>(questionsTopic, id, question),
                    (metadata, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("producing questions failed", sendFailure.get());
        }
        collector.awaitAll(ids, timeout);
        StreamsCounters after = StreamsCounters.snapshot(streams);
        CpuAccounting.Usage cpu =
                CpuAccounting.snapshot()
                        .since(cpuBefore, (System.currentTimeMillis() - firstSend) / 1e3, 6);
        return result(name, rate, ids, submitted, firstSend, before, after, cpu);
    }

    private Result result(
            String name,
            double rate,
            List<String> ids,
            long[] submitted,
            long firstSend,
            StreamsCounters before,
            StreamsCounters after,
            CpuAccounting.Usage cpu) {
        List<Long> latency = new ArrayList<>();
        List<Long> toAnswered = new ArrayList<>();
        List<Long> toVisible = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        long lastReceive = firstSend;
        double batches = 0;
        double modelMicros = 0;
        for (int i = 0; i < ids.size(); i++) {
            AnswerCollector.Received received = collector.get(ids.get(i));
            if (received == null) {
                continue;
            }
            Answer answer = received.answer();
            long answeredAt = answer.getAnsweredAt().toEpochMilli();
            latency.add(received.receivedAtMillis() - submitted[i]);
            toAnswered.add(answeredAt - submitted[i]);
            toVisible.add(received.receivedAtMillis() - answeredAt);
            lastReceive = Math.max(lastReceive, received.receivedAtMillis());
            batches += 1.0 / answer.getBatchSize();
            modelMicros += (double) answer.getInferenceMicros() / answer.getBatchSize();
            answers.add(answer);
        }
        return new Result(
                name,
                rate,
                ids.size(),
                answers.size(),
                firstSend,
                lastReceive,
                sorted(latency),
                sorted(toAnswered),
                sorted(toVisible),
                batches,
                modelMicros,
                before,
                after,
                answers,
                cpu);
    }

    private static long[] sorted(List<Long> values) {
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }

    /** Nearest-rank percentile of a sorted array (NaN when empty). */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
