package io.spanloop.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.spanloop.events.Answer;
import io.spanloop.events.Correction;
import io.spanloop.events.Verdict;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.TopicNames;
import io.spanloop.schemas.Topics;
import io.spanloop.testkit.SchemaRegistryProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review index the processor keeps as answers and corrections arrive, against a full scan of
 * the same stores (the code before the index), after random interleavings; and an index rebuilt
 * from the stores (as after a restart) against both. TopologyTestDriver, the real registry.
 */
class ReviewIndexTopologyTest {

    private static final List<String> ANNOTATORS = List.of("alice", "bob", "carol");
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private static SchemaRegistryProcess registry;
    private static AvroSerdes serdes;
    private static Topics topics;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryProcess.start();
        serdes = AvroSerdes.forRegistry(registry.registryUrl());
        topics = Topics.of(TopicNames.DEFAULT, serdes);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    /** The indexed and the scanning queue over the same stores, told the same skips and writes. */
    private record Queues(ReviewQueue indexed, ReviewQueue scanned) {
        static Queues over(ReviewStores stores, ReviewIndex index) {
            return new Queues(
                    new ReviewQueue(
                            stores,
                            QueueOrder.SCORE,
                            new IndexedOpenItems(index, stores, QueueOrder.SCORE)),
                    new ReviewQueue(
                            stores,
                            QueueOrder.SCORE,
                            new ScannedOpenItems(stores, QueueOrder.SCORE)));
        }

        void skip(String annotator, String questionId) {
            indexed.skip(annotator, questionId);
            scanned.skip(annotator, questionId);
        }

        void written(Correction correction) {
            indexed.recordWritten(correction, 0);
            scanned.recordWritten(correction, 0);
        }

        /** Every page (and odd ones), every status and the open count agree; the total. */
        int assertAgree() {
            int total = (int) scanned.openCount();
            assertThat(indexed.openCount()).isEqualTo(total);
            for (String annotator : ANNOTATORS) {
                for (int offset = 0; offset <= total; offset += 100) {
                    assertSamePage(annotator, 100, offset);
                }
                assertSamePage(annotator, 7, 13);
                assertSamePage(annotator, 1, Math.max(0, total - 1));
                assertSamePage(annotator, 5, total + 3);
                assertThat(json(indexed.status(annotator, NOW)))
                        .isEqualTo(json(scanned.status(annotator, NOW)));
            }
            return total;
        }

        private void assertSamePage(String annotator, int limit, int offset) {
            Views.QueuePage expected = scanned.page(annotator, limit, offset);
            Views.QueuePage actual = indexed.page(annotator, limit, offset);
            assertThat(ids(actual))
                    .as("%s's page of %d at %d", annotator, limit, offset)
                    .isEqualTo(ids(expected));
            assertThat(json(actual))
                    .as("%s's page of %d at %d", annotator, limit, offset)
                    .isEqualTo(json(expected));
        }

        private static String ids(Views.QueuePage page) {
            return page.total()
                    + " "
                    + page.items().stream().map(Views.ItemView::questionId).toList();
        }
    }

    private static final class Driver implements AutoCloseable {
        final TopologyTestDriver driver;
        final TestInputTopic<String, Answer> answers;
        final TestInputTopic<String, Correction> feedback;
        final ReviewStores stores;

        Driver(Path state, ReviewIndex index) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "review-index-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            driver =
                    new TopologyTestDriver(
                            ReviewQueueTopology.buildTopology(topics, serdes, index), props);
            answers =
                    driver.createInputTopic(
                            topics.answers().name(),
                            topics.answers().keySerde().serializer(),
                            topics.answers().valueSerde().serializer());
            feedback =
                    driver.createInputTopic(
                            topics.feedback().name(),
                            topics.feedback().keySerde().serializer(),
                            topics.feedback().valueSerde().serializer());
            stores = new ReviewStores(name -> driver.<String, Object>getKeyValueStore(name));
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @Test
    void shouldAgreeWithAFullScanAfterRandomInterleavingsAndWhenRebuiltFromTheStores(
            @TempDir Path state) {
        Random random = new Random(20261123);
        ReviewIndex index = new ReviewIndex(QueueOrder.SCORE);
        Set<String> answered = new HashSet<>();
        List<Correction> inFlight = new ArrayList<>();
        int largestTotal = 0;
        int comparedWithWritesInFlight = 0;
        try (Driver driver = new Driver(state, index)) {
            Queues queues = Queues.over(driver.stores, index);
            for (int step = 1; step <= 3000; step++) {
                String id = String.format("q%03d", random.nextInt(400));
                int kind = random.nextInt(100);
                if (kind < 55) {
                    // a new answer, or a question answered again by an older, the same or a
                    // newer version (only the same or newer replace it)
                    Answer answer = answer(id, random);
                    driver.answers.pipeInput(id, answer);
                    answered.add(id);
                } else if (kind < 75) {
                    // a correction from elsewhere, also of questions not answered yet
                    driver.feedback.pipeInput(id, correction(id, "elsewhere"));
                } else if (kind < 85 && answered.contains(id)) {
                    queues.skip(ANNOTATORS.get(random.nextInt(ANNOTATORS.size())), id);
                } else if (kind < 93 && answered.contains(id)) {
                    Correction written = correction(id, "alice");
                    queues.written(written);
                    inFlight.add(written);
                } else if (!inFlight.isEmpty()) {
                    Correction arrives = inFlight.remove(random.nextInt(inFlight.size()));
                    driver.feedback.pipeInput(arrives.getQuestionId(), arrives);
                }
                if (step % 150 == 0) {
                    largestTotal = Math.max(largestTotal, queues.assertAgree());
                    comparedWithWritesInFlight += inFlight.isEmpty() ? 0 : 1;
                }
            }
            int open = index.size();
            // what a restart does: an index of what the stores hold now
            ReviewIndex rebuilt = new ReviewIndex(QueueOrder.SCORE);
            rebuilt.rebuild(0, driver.stores.answers(), driver.stores.corrections());
            assertThat(rebuilt.size()).isEqualTo(open).isPositive();
            Queues restarted = Queues.over(driver.stores, rebuilt);
            int total = restarted.assertAgree();
            assertThat(total).isEqualTo(open);
        }
        // the processor's close dropped its partition's index
        assertThat(index.covers(0)).isFalse();
        assertThat(index.size()).isZero();
        // the comparisons were about something: a long queue, writes not yet arrived
        assertThat(largestTotal).isGreaterThan(100);
        assertThat(comparedWithWritesInFlight).isGreaterThan(5);
    }

    private static Answer answer(String id, Random random) {
        String context = "The capital of France is Paris, said " + id + ".";
        // few distinct scores, so that many items tie on uncertainty and order by question id
        double score = (1 + random.nextInt(9)) / 10.0;
        boolean noAnswer = random.nextInt(10) == 0;
        long version = 1 + random.nextInt(4);
        return Answer.newBuilder(
                        LabelerHarness.answer(id, context, noAnswer ? -1 : 25, 30, score, version))
                .setModelName(version == 4 ? "other-qa" : "tiny-bert-qa")
                .build();
    }

    private static Correction correction(String id, String annotator) {
        String context = "The capital of France is Paris, said " + id + ".";
        return Correction.newBuilder()
                .setQuestionId(id)
                .setQuestion("What is asked about " + id + "?")
                .setContext(context)
                .setVerdict(Verdict.NO_ANSWER)
                .setAnnotator(annotator)
                .setCorrectedAt(NOW)
                .build();
    }

    private static String json(Object view) {
        try {
            return LabelerApi.JSON.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
