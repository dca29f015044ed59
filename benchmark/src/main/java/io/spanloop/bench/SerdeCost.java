package io.spanloop.bench;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * The registry-backed Avro cost per question on this machine, measured on the answers of a run:
 * what the answerer pays (question bytes to {@code Question}, {@code Answer} to bytes) and what the
 * benchmark's own clients pay (the reverse), best of three rounds after the schemas are cached.
 */
final class SerdeCost {

    /** Microseconds per question. */
    record Micros(double answerer, double clients) {}

    private SerdeCost() {}

    static Micros measure(AvroSerdes serdes, TopicNames names, List<Answer> answers) {
        if (answers.isEmpty()) {
            return new Micros(Double.NaN, Double.NaN);
        }
        try (Serde<Question> questions = serdes.valueSerde(Question.class);
                Serde<Answer> answerSerde = serdes.valueSerde(Answer.class)) {
            List<Question> asked =
                    answers.stream()
                            .map(
                                    a ->
                                            Question.newBuilder()
                                                    .setId(a.getQuestionId())
                                                    .setQuestion(a.getQuestion())
                                                    .setContext(a.getContext())
                                                    .setSubmittedAt(a.getAnsweredAt())
                                                    .setAttributes(Map.of())
                                                    .build())
                            .toList();
            double bestAnswerer = Double.MAX_VALUE;
            double bestClients = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long answerer = 0;
                long clients = 0;
                for (int i = 0; i < answers.size(); i++) {
                    long t0 = System.nanoTime();
                    byte[] question =
                            questions.serializer().serialize(names.questions(), asked.get(i));
                    long t1 = System.nanoTime();
                    questions.deserializer().deserialize(names.questions(), question);
                    byte[] answer =
                            answerSerde.serializer().serialize(names.answers(), answers.get(i));
                    long t2 = System.nanoTime();
                    answerSerde.deserializer().deserialize(names.answers(), answer);
                    long t3 = System.nanoTime();
                    answerer += t2 - t1;
                    clients += (t1 - t0) + (t3 - t2);
                }
                bestAnswerer = Math.min(bestAnswerer, answerer / 1e3 / answers.size());
                bestClients = Math.min(bestClients, clients / 1e3 / answers.size());
            }
            return new Micros(bestAnswerer, bestClients);
        }
    }
}
