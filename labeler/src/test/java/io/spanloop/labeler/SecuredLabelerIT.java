package io.spanloop.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.Answer;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.labeler.LabelerHarness.Response;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.Await;
import io.spanloop.testkit.KafkaAcls;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labeler on a SASL/SCRAM cluster with ACLs: with its own principal and only the ACLs README
 * lists, its review queue fills, a correction is written and an admin's promote is written.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class SecuredLabelerIT {

    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String LABELER = "labeler";
    private static final String LABELER_PASSWORD = "labeler-secret";

    @Test
    void shouldServeTheQueueAndWriteCorrectionsWithItsOwnPrincipalAndMinimalAcls(
            KafkaEnvironment env, @TempDir Path state) {
        LabelerHarness harness = new LabelerHarness(env);
        TopicNames names = harness.names;
        try (KafkaTestCluster cluster = KafkaTestCluster.startSecured(ADMIN_PASSWORD)) {
            // Given: the topics, the labeler's user and exactly its ACLs, one answer
            cluster.createTopic(names.answers(), 2);
            cluster.createTopic(names.feedback(), 2);
            cluster.createTopic(names.modelVersions(), 1);
            cluster.createTopic(names.trainingProgress(), 1);
            KafkaAcls.createUser(cluster.admin(), LABELER, LABELER_PASSWORD);
            KafkaAcls.create(cluster.admin(), labelerAcls(names, harness.applicationId));
            try (KafkaProducer<String, Answer> producer =
                    env.producer(harness.topics.answers(), cluster.superUserClient())) {
                producer.send(
                        new ProducerRecord<>(
                                names.answers(),
                                "s1",
                                LabelerHarness.answer("s1", "Paris is a city.", 0, 5, 0.5, 1)));
            }
            try (KafkaProducer<String, ModelVersion> producer =
                    env.producer(harness.topics.modelVersions(), cluster.superUserClient())) {
                for (long version : new long[] {2, 3}) {
                    producer.send(
                            new ProducerRecord<>(
                                    names.modelVersions(),
                                    "tiny-bert-qa",
                                    LabelerHarness.trained(
                                            version, version - 1, ModelStatus.PUBLISHED, 80.0)));
                }
            }
            Map<String, Object> config = harness.config(state);
            config.putAll(cluster.serviceSettings(LABELER, LABELER_PASSWORD));

            // When
            try (Labeler labeler = Labeler.start(new LabelerConfig(config))) {
                harness.awaitQueue(
                        labeler, p -> p.get("total").asInt() == 1, Duration.ofSeconds(90));
                Response written =
                        harness.post(
                                labeler,
                                "/api/corrections",
                                LabelerHarness.ALICE_TOKEN,
                                LabelerHarness.correction("s1", "ACCEPTED", null, null, null));

                // Then
                assertThat(written.status()).as(written.body().toString()).isEqualTo(201);

                // When: an admin promotes v2 back
                Await.until(
                        () -> harness.get(labeler, "/api/models", LabelerHarness.ALICE_TOKEN),
                        r -> r.body().path("models").path(0).path("versions").size() == 3,
                        Duration.ofSeconds(60),
                        "the versions");
                Response promoted =
                        harness.post(
                                labeler,
                                "/api/models/tiny-bert-qa/promote",
                                LabelerHarness.ALICE_TOKEN,
                                "{\"version\":2}");

                // Then: written with the labeler's own principal
                assertThat(promoted.status()).as(promoted.body().toString()).isEqualTo(201);
                assertThat(promoted.body().get("served").get("version").asLong()).isEqualTo(2);
            }
        }
    }

    /** README's minimal ACL list for the labeler (application id {@code appId}). */
    static List<AclBinding> labelerAcls(TopicNames names, String appId) {
        List<AclBinding> acls = new ArrayList<>(KafkaAcls.streamsApp(LABELER, appId));
        acls.add(topic(names.answers(), AclOperation.READ));
        acls.add(topic(names.feedback(), AclOperation.READ));
        acls.add(topic(names.feedback(), AclOperation.WRITE));
        acls.add(topic(names.modelVersions(), AclOperation.READ));
        acls.add(topic(names.modelVersions(), AclOperation.WRITE));
        acls.add(topic(names.trainingProgress(), AclOperation.READ));
        return acls;
    }

    private static AclBinding topic(String name, AclOperation operation) {
        return KafkaAcls.allow(LABELER, ResourceType.TOPIC, name, PatternType.LITERAL, operation);
    }
}
