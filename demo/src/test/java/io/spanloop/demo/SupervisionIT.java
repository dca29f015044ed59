package io.spanloop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.local.LocalStack;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.Records;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run keeps its services running: an answerer killed (SIGKILL) while questions flow is
 * started again by the launcher, and every question is answered exactly once.
 */
class SupervisionIT {

    private static final int QUESTIONS = 400;

    @Test
    void shouldRestartAKilledAnswererAndAnswerEveryQuestionExactlyOnce(@TempDir Path data)
            throws Exception {
        DemoOptions options = LocalRunIT.options(data).build();
        try (LocalStack stack =
                LocalStack.start(options.stack(), DemoProfile.of(options).services())) {
            DemoClients clients = new DemoClients(options.stack());
            ProcessHandle first = stack.process("answerer").orElseThrow();
            try (KafkaConsumer<String, Answer> answers =
                    clients.consumer(clients.topics().answers(), "earliest")) {
                // Given: questions flowing in
                CompletableFuture<Void> producing =
                        CompletableFuture.runAsync(() -> produce(clients, QUESTIONS));
                List<ConsumerRecord<String, Answer>> seen =
                        new ArrayList<>(
                                Records.readAtLeast(
                                        answers, 40, Duration.ofSeconds(120), Duration.ZERO));
                // When: the answerer is killed mid-stream
                assertThat(first.destroyForcibly()).isTrue();
                first.onExit().get(30, TimeUnit.SECONDS);
                producing.get(2, TimeUnit.MINUTES);
                // Then: the launcher starts a new one, which answers the rest
                Await.until(
                        () ->
                                stack.process("answerer")
                                        .map(p -> p.pid() != first.pid() && p.isAlive())
                                        .orElse(false),
                        Duration.ofSeconds(60),
                        "a new answerer");
                seen.addAll(
                        Records.readAtLeast(
                                answers,
                                QUESTIONS - seen.size(),
                                Duration.ofMinutes(3),
                                Duration.ofSeconds(3)));
                Map<String, Long> perQuestion =
                        seen.stream()
                                .filter(r -> r.key().startsWith("supervised-"))
                                .collect(
                                        Collectors.groupingBy(
                                                ConsumerRecord::key, Collectors.counting()));
                assertThat(perQuestion).hasSize(QUESTIONS);
                assertThat(perQuestion).allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
            }
            stack.checkAlive();
            assertThat(Files.readString(data.resolve("logs/answerer.log")))
                    .contains("Answerer started");
        }
    }

    private static void produce(DemoClients clients, int count) {
        try (KafkaProducer<String, Question> producer =
                clients.producer(clients.topics().questions())) {
            for (int i = 0; i < count; i++) {
                Question question =
                        Question.newBuilder()
                                .setId("supervised-" + i)
                                .setQuestion("What is Kalomir famous for?")
                                .setContext(
                                        "Kalomir lies on the river Dorash. Kalomir is famous for"
                                                + " its glass. Visitor number "
                                                + i
                                                + ".")
                                .setSubmittedAt(Instant.now())
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                clients.topics().questions().name(), question.getId(), question));
                if (i % 20 == 19) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
