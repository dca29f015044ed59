package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.answerer.AnswererHarness;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.testing.ColorFacts;
import io.spanloop.qa.testing.TinyModel;
import io.spanloop.schemas.TopicNames;
import io.spanloop.testkit.KafkaAcls;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrainer on a SASL/SCRAM cluster with ACLs: with its own principal and only the ACLs README
 * lists, it reads the labels, trains and publishes a version.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class SecuredRetrainerIT {

    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String RETRAINER = "retrainer";
    private static final String RETRAINER_PASSWORD = "retrainer-secret";

    @Test
    void shouldTrainAndPublishWithItsOwnPrincipalAndMinimalAcls(
            KafkaEnvironment env, @TempDir Path store) throws Exception {
        ModelDirectory v1 = TinyModel.copyTo(store, 1);
        LoopHarness loop = new LoopHarness(new AnswererHarness(env, v1, 1));
        TopicNames names = loop.answering.names;
        try (KafkaTestCluster cluster = KafkaTestCluster.startSecured(ADMIN_PASSWORD)) {
            // Given: the topics, the retrainer's user and exactly its ACLs
            cluster.createTopic(names.feedback(), 1);
            cluster.createTopic(names.modelVersions(), 1);
            cluster.createTopic(names.trainingProgress(), 1);
            KafkaAcls.createUser(cluster.admin(), RETRAINER, RETRAINER_PASSWORD);
            KafkaAcls.create(cluster.admin(), retrainerAcls(names, v1.modelName()));
            Map<String, Object> asAdmin = cluster.superUserClient();
            Map<String, Object> config = loop.retrainerConfig(store, v1.modelName());
            config.putAll(cluster.serviceSettings(RETRAINER, RETRAINER_PASSWORD));

            // When: labels arrive (written by the super user)
            try (Retrainer retrainer = Retrainer.start(new RetrainerConfig(config))) {
                loop.correct(ColorFacts.examples(50, 51, "s"), false, asAdmin);
                // Then: a version is published
                Map<String, Object> reader = new HashMap<>(env.consumerProps("secured-versions"));
                reader.putAll(asAdmin);
                try (KafkaConsumer<String, ModelVersion> versions =
                        new KafkaConsumer<>(
                                reader,
                                loop.answering.topics.modelVersions().keySerde().deserializer(),
                                loop.answering
                                        .topics
                                        .modelVersions()
                                        .valueSerde()
                                        .deserializer())) {
                    versions.subscribe(List.of(names.modelVersions()));
                    List<ModelVersion> events =
                            LoopHarness.awaitEvents(versions, 1, Duration.ofMinutes(4));
                    assertThat(events).singleElement();
                    assertThat(events.get(0).getStatus()).isEqualTo(ModelStatus.PUBLISHED);
                }
            }
        }
    }

    /** README's minimal ACL list for the retrainer of {@code modelName}. */
    static List<AclBinding> retrainerAcls(TopicNames names, String modelName) {
        return List.of(
                KafkaAcls.allow(
                        RETRAINER,
                        ResourceType.TOPIC,
                        names.feedback(),
                        PatternType.LITERAL,
                        AclOperation.READ),
                KafkaAcls.allow(
                        RETRAINER,
                        ResourceType.TOPIC,
                        names.modelVersions(),
                        PatternType.LITERAL,
                        AclOperation.READ),
                KafkaAcls.allow(
                        RETRAINER,
                        ResourceType.TOPIC,
                        names.modelVersions(),
                        PatternType.LITERAL,
                        AclOperation.WRITE),
                KafkaAcls.allow(
                        RETRAINER,
                        ResourceType.TOPIC,
                        names.trainingProgress(),
                        PatternType.LITERAL,
                        AclOperation.WRITE),
                KafkaAcls.allow(
                        RETRAINER,
                        ResourceType.TRANSACTIONAL_ID,
                        "spanloop-retrainer-" + modelName,
                        PatternType.LITERAL,
                        AclOperation.WRITE));
    }
}
