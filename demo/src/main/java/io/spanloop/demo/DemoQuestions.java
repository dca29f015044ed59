package io.spanloop.demo;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.domain.DemoDomain;
import io.spanloop.demo.domain.DemoQuestion;
import io.spanloop.demo.domain.FactType;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.local.Console;
import io.spanloop.local.StackSettings;
import io.spanloop.qa.TrainingExample;
import io.spanloop.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Asks the running system four demo questions with plain Kafka clients and prints the answers next
 * to the expected ones.
 */
public final class DemoQuestions {

    /** Two facts the base model was pre-trained on, two it never saw. */
    private static final List<FactType> FACTS =
            List.of(
                    FactType.FOUNDER,
                    FactType.POPULATION,
                    FactType.PRODUCT,
                    FactType.FESTIVAL_MONTH);

    private DemoQuestions() {}

    /** Produces the demo questions and waits for their answers; returns them by question id. */
    public static Map<String, Answer> ask(StackSettings stack, Duration timeout) {
        String run = Long.toString(System.currentTimeMillis(), 36);
        Map<String, Question> asked = new LinkedHashMap<>();
        Map<String, String> expected = new HashMap<>();
        for (DemoQuestion question :
                DemoDomain.questions(
                        DemoDomain.towns(1, System.currentTimeMillis(), false),
                        FACTS,
                        false,
                        1,
                        "demo-" + run + "-")) {
            TrainingExample example = question.example();
            expected.put(
                    example.id(),
                    example.answerText()
                            + (question.fact().knownToBase()
                                    ? " (a fact the base model knows)"
                                    : " (a fact the base model never saw)"));
            asked.put(example.id(), DemoClients.question(question));
        }
        DemoClients clients = new DemoClients(stack);
        Topic<String, Question> questions = clients.topics().questions();
        try (KafkaProducer<String, Question> producer = clients.producer(questions)) {
            asked.forEach((id, q) -> producer.send(new ProducerRecord<>(questions.name(), id, q)));
        }
        Console.say("Asked " + asked.size() + " demo questions on " + questions.name());
        Map<String, Answer> answers = new LinkedHashMap<>();
        try (KafkaConsumer<String, Answer> consumer =
                clients.consumer(clients.topics().answers(), "earliest")) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (answers.size() < asked.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Answer> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    if (asked.containsKey(record.key())) {
                        answers.put(record.key(), record.value());
                        print(record.value(), expected.get(record.key()));
                    }
                }
            }
        }
        if (answers.size() < asked.size()) {
            throw new IllegalStateException(
                    "only "
                            + answers.size()
                            + " of "
                            + asked.size()
                            + " demo questions answered within "
                            + timeout
                            + "; see "
                            + stack.logs().resolve("answerer.log"));
        }
        return answers;
    }

    private static void print(Answer answer, String expected) {
        ScoredSpan best = answer.getBest();
        String span =
                best == null
                        ? "(no answer)"
                        : String.format(
                                "\"%s\" [%d, %d) score %.3f",
                                best.getText(), best.getStart(), best.getEnd(), best.getScore());
        System.out.printf(
                "%n  Q: %s%n  context: %s%n  A: %s   (%s v%d, %d µs for a batch of %d)%n"
                        + "  expected: %s%n",
                answer.getQuestion(),
                answer.getContext(),
                span,
                answer.getModelName(),
                answer.getModelVersion(),
                answer.getInferenceMicros(),
                answer.getBatchSize(),
                expected);
    }
}
