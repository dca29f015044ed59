package io.spanloop.answerer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaAcls;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.KafkaTestCluster;
import io.spanloop.testkit.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answerer on a secured cluster: SASL/SCRAM authentication and ACLs (StandardAuthorizer,
 * nothing allowed without an ACL). With its own principal and only the ACLs README lists it
 * answers; without one of them it stops; with a wrong password it is refused at start.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class SecuredKafkaIT {

    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String ANSWERER = "answerer";
    private static final String ANSWERER_PASSWORD = "answerer-secret";

    @Test
    void shouldAnswerWithItsOwnPrincipalAndMinimalAclsAndRefuseAWrongPassword(
            KafkaEnvironment env, @TempDir Path store, @TempDir Path state) throws Exception {
        ModelDirectory model = TinyModel.copyTo(store, 1);
        AnswererHarness harness = new AnswererHarness(env, model, 1);
        TopicNames names = harness.names;
        try (KafkaTestCluster cluster = KafkaTestCluster.startSecured(ADMIN_PASSWORD)) {
            // Given: the topics, the answerer's user and exactly its ACLs
            for (String topic :
                    List.of(
                            names.questions(),
                            names.answers(),
                            names.questionsDlq(),
                            names.modelVersions())) {
                cluster.createTopic(topic, 1);
            }
            Admin admin = cluster.admin();
            KafkaAcls.createUser(admin, ANSWERER, ANSWERER_PASSWORD);
            KafkaAcls.create(admin, answererAcls(names, harness.applicationId));

            // When: the answerer runs as that user, with the settings every client gets
            Map<String, Object> config = securedConfig(harness, cluster, state, ANSWERER_PASSWORD);
            try (Answerer answerer = Answerer.start(new AnswererConfig(config))) {
                produceAsAdmin(env, harness, cluster, "secured-1");
                // Then: it answers (read by the super user)
                Map<String, Object> reader = new HashMap<>(env.consumerProps("secured-reader"));
                reader.putAll(cluster.superUserClient());
                try (KafkaConsumer<String, Answer> answers =
                        new KafkaConsumer<>(
                                reader,
                                harness.topics.answers().keySerde().deserializer(),
                                harness.topics.answers().valueSerde().deserializer())) {
                    answers.subscribe(List.of(names.answers()));
                    List<ConsumerRecord<String, Answer>> read =
                            Records.readAtLeast(answers, 1, Duration.ofSeconds(90), Duration.ZERO);
                    assertThat(read)
                            .singleElement()
                            .satisfies(r -> assertThat(r.key()).isEqualTo("secured-1"));
                }
            }

            // And: without WRITE on the answers topic, the answerer stops instead of answering
            KafkaAcls.delete(admin, topic(names.answers(), AclOperation.WRITE));
            Map<String, Object> denied =
                    securedConfig(harness, cluster, state.resolve("d"), ANSWERER_PASSWORD);
            try (Answerer answerer = Answerer.start(new AnswererConfig(denied))) {
                produceAsAdmin(env, harness, cluster, "secured-2");
                KafkaStreams.State stopped =
                        CompletableFuture.supplyAsync(
                                        () -> {
                                            try {
                                                return answerer.awaitStop();
                                            } catch (InterruptedException e) {
                                                throw new IllegalStateException(e);
                                            }
                                        })
                                .get(90, TimeUnit.SECONDS);
                assertThat(stopped).isIn(KafkaStreams.State.ERROR, KafkaStreams.State.NOT_RUNNING);
            }

            // And: a wrong password is refused when the answerer starts, saying why
            Map<String, Object> wrong =
                    securedConfig(harness, cluster, state.resolve("w"), "guess");
            assertThatThrownBy(() -> Answerer.start(new AnswererConfig(wrong)).close())
                    .hasStackTraceContaining("Authentication failed");
        }
    }

    private static void produceAsAdmin(
            KafkaEnvironment env, AnswererHarness harness, KafkaTestCluster cluster, String id) {
        try (KafkaProducer<String, Question> producer =
                env.producer(harness.topics.questions(), cluster.superUserClient())) {
            Question question = Questions.question(id, "Where is it?", "It is in Paris.");
            producer.send(
                    new ProducerRecord<>(harness.names.questions(), question.getId(), question));
        }
    }

    private static Map<String, Object> securedConfig(
            AnswererHarness harness, KafkaTestCluster cluster, Path state, String password) {
        Map<String, Object> config = harness.config(state);
        config.putAll(cluster.serviceSettings(ANSWERER, password));
        return config;
    }

    /** README's minimal ACL list for the answerer (application id {@code appId}). */
    static List<AclBinding> answererAcls(TopicNames names, String appId) {
        List<AclBinding> acls = new ArrayList<>(KafkaAcls.streamsApp(ANSWERER, appId));
        acls.add(topic(names.questions(), AclOperation.READ));
        acls.add(topic(names.answers(), AclOperation.WRITE));
        acls.add(topic(names.questionsDlq(), AclOperation.WRITE));
        acls.add(topic(names.modelVersions(), AclOperation.READ));
        return acls;
    }

    private static AclBinding topic(String name, AclOperation operation) {
        return KafkaAcls.allow(ANSWERER, ResourceType.TOPIC, name, PatternType.LITERAL, operation);
    }
}
