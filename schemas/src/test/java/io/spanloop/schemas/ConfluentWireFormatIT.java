package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.spanloop.events.Answer;
import io.spanloop.events.Question;
import io.spanloop.events.ScoredSpan;
import io.spanloop.testkit.KafkaEnvironment;
import io.spanloop.testkit.KafkaEnvironmentExtension;
import io.spanloop.testkit.Records;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the serdes write is the Confluent wire format, readable with nothing but the registry's
 * Confluent-compatible API and plain Avro, and survives a real broker with plain clients.
 */
@ExtendWith(KafkaEnvironmentExtension.class)
class ConfluentWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final KafkaEnvironment env;

    ConfluentWireFormatIT(KafkaEnvironment env) {
        this.env = env;
    }

    @Test
    void shouldWriteQuestionAsMagicByteSchemaIdAndAvroBinaryResolvableThroughCcompatApi()
            throws Exception {
        // Given
        Topics topics = env.topics(env.newTopicNames());
        Question question = question("q-1", "Where is the 🐍?", "The 🐍 lives in Paris.");

        // When
        byte[] bytes =
                topics.questions()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.questions().name(), question);

        // Then
        assertThat(bytes[0]).as("magic byte").isZero();
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(latestIdOfSubject(topics.questions().name() + "-value"))
                .as("Confluent subject <topic>-value")
                .isEqualTo(schemaId);
        Schema writerSchema = fetchConfluentSchema(schemaId);
        assertThat(writerSchema).isEqualTo(Question.getClassSchema());
        GenericRecord decoded = decodeAfterHeader(bytes, writerSchema);
        assertThat(decoded.get("id")).hasToString("q-1");
        assertThat(decoded.get("question")).hasToString("Where is the 🐍?");
        assertThat(decoded.get("context")).hasToString("The 🐍 lives in Paris.");
        assertThat(decoded.get("submittedAt")).isEqualTo(question.getSubmittedAt().toEpochMilli());
        assertThat(((Map<?, ?>) decoded.get("attributes")))
                .hasSize(1)
                .anySatisfy(
                        (key, value) -> {
                            assertThat(key).hasToString("source");
                            assertThat(value).hasToString("it");
                        });
    }

    @Test
    void shouldGiveTheSameSchemaTheSameIdOnEveryTopicLikeConfluent() throws Exception {
        // Given
        Topics first = env.topics(env.newTopicNames());
        Topics second = env.topics(env.newTopicNames());
        Question question = question("q-5", "Same?", "Same schema, two topics.");

        // When
        byte[] onFirst =
                first.questions()
                        .valueSerde()
                        .serializer()
                        .serialize(first.questions().name(), question);
        byte[] onSecond =
                second.questions()
                        .valueSerde()
                        .serializer()
                        .serialize(second.questions().name(), question);

        // Then
        int id = ByteBuffer.wrap(onFirst, 1, 4).getInt();
        assertThat(ByteBuffer.wrap(onSecond, 1, 4).getInt()).isEqualTo(id);
        assertThat(latestIdOfSubject(second.questions().name() + "-value")).isEqualTo(id);
        assertThat(onSecond).isEqualTo(onFirst);
    }

    @Test
    void shouldRegisterAnswerWithNestedSpansAsOneSelfContainedSchema() throws Exception {
        // Given
        Topics topics = env.topics(env.newTopicNames());
        ScoredSpan best = span(4, 9, "Paris", 0.875);
        Answer answer =
                Answer.newBuilder()
                        .setQuestionId("q-2")
                        .setQuestion("Where?")
                        .setContext("The Paris thing")
                        .setBest(best)
                        .setCandidates(List.of(best, span(0, 3, "The", 0.0625)))
                        .setNoAnswerScore(0.0625)
                        .setModelName("demo")
                        .setModelVersion(3L)
                        .setAnsweredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .setInferenceMicros(1234L)
                        .setBatchSize(2)
                        .build();

        // When
        byte[] bytes =
                topics.answers()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.answers().name(), answer);

        // Then
        assertThat(bytes[0]).isZero();
        JsonNode registered = fetchConfluentSchemaJson(ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertThat(registered.path("references").size()).as("schema references").isZero();
        Schema writerSchema = new Schema.Parser().parse(registered.get("schema").asText());
        assertThat(writerSchema).isEqualTo(Answer.getClassSchema());
        GenericRecord decoded = decodeAfterHeader(bytes, writerSchema);
        GenericRecord decodedBest = (GenericRecord) decoded.get("best");
        assertThat(decodedBest.get("start")).isEqualTo(4);
        assertThat(decodedBest.get("end")).isEqualTo(9);
        assertThat(decodedBest.get("text")).hasToString("Paris");
        assertThat(decodedBest.get("score")).isEqualTo(0.875);
        assertThat((List<?>) decoded.get("candidates")).hasSize(2);
        assertThat(decoded.get("modelVersion")).isEqualTo(3L);
        assertThat(decoded.get("answeredAt")).isEqualTo(answer.getAnsweredAt().toEpochMilli());
        assertThat(decoded.get("batchSize")).isEqualTo(2);
        assertThat(topics.answers().valueSerde().deserializer().deserialize("any", bytes))
                .isEqualTo(answer);
    }

    @Test
    void shouldRoundTripQuestionThroughBrokerWithPlainClientsAndNoHeaders() {
        // Given
        TopicNames names = env.createTopics(env.newTopicNames(), 1);
        Question question = question("q-3", "Who?", "Ada wrote it.");
        // Wired by class name on purpose, not by env.producer(topic): a user's plain client works.
        Map<String, Object> producerProps = env.producerProps();
        producerProps.putAll(env.avroSerdes().serializerConfig());
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        Map<String, Object> consumerProps = env.consumerProps("wire-format-it");
        consumerProps.putAll(env.avroSerdes().deserializerConfig());
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class);

        // When
        try (KafkaProducer<String, Question> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(names.questions(), "q-3", question));
        }
        List<ConsumerRecord<String, Object>> received;
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(names.questions()));
            received = Records.readAtLeast(consumer, 1, Duration.ofSeconds(30), Duration.ZERO);
        }

        // Then
        assertThat(received).hasSize(1);
        ConsumerRecord<String, Object> record = received.get(0);
        assertThat(record.key()).isEqualTo("q-3");
        assertThat(record.value()).isInstanceOf(Question.class).isEqualTo(question);
        assertThat(record.headers().toArray()).as("record headers").isEmpty();
    }

    @Test
    void shouldRefuseToReadAnotherEventTypeAsTheTopicsType() {
        // Given
        Topics topics = env.topics(env.newTopicNames());
        Answer answer =
                Answer.newBuilder()
                        .setQuestionId("q-4")
                        .setQuestion("?")
                        .setContext("c")
                        .setModelName("demo")
                        .setModelVersion(1L)
                        .setAnsweredAt(Instant.EPOCH)
                        .setInferenceMicros(1L)
                        .build();
        byte[] answerBytes =
                topics.answers()
                        .valueSerde()
                        .serializer()
                        .serialize(topics.answers().name(), answer);

        // When / Then
        assertThatThrownBy(
                        () ->
                                topics.questions()
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(topics.questions().name(), answerBytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Question.class.getName());
    }

    private static Question question(String id, String text, String context) {
        return Question.newBuilder()
                .setId(id)
                .setQuestion(text)
                .setContext(context)
                .setSubmittedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setAttributes(Map.of("source", "it"))
                .build();
    }

    private static ScoredSpan span(int start, int end, String text, double score) {
        return ScoredSpan.newBuilder()
                .setStart(start)
                .setEnd(end)
                .setText(text)
                .setScore(score)
                .build();
    }

    /** GET {ccompat}/subjects/{subject}/versions/latest: the id Confluent clients look up. */
    @Test
    void shouldRefuseAnIncompatibleSchemaVersionButTakeABackwardCompatibleOne() throws Exception {
        // Given: the Question schema registered under its subject
        Topics topics = env.topics(env.newTopicNames());
        String subject = topics.questions().name() + "-value";
        topics.questions()
                .valueSerde()
                .serializer()
                .serialize(topics.questions().name(), question("q-9", "Why?", "Because."));
        com.fasterxml.jackson.databind.node.ObjectNode schema =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        JSON.readTree(Question.getClassSchema().toString());
        com.fasterxml.jackson.databind.node.ArrayNode fields =
                (com.fasterxml.jackson.databind.node.ArrayNode) schema.get("fields");

        // When: the id becomes an int and a field without default is added
        com.fasterxml.jackson.databind.node.ObjectNode broken = schema.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("fields").get(0))
                .put("type", "int");
        ((com.fasterxml.jackson.databind.node.ArrayNode) broken.get("fields"))
                .addObject()
                .put("name", "priority")
                .put("type", "int");
        HttpResponse<String> refused = registerCcompat(subject, broken.toString());
        // And: only a field with a default is added
        fields.addObject().put("name", "priority").put("type", "int").put("default", 0);
        HttpResponse<String> taken = registerCcompat(subject, schema.toString());

        // Then: the registry's global BACKWARD rule refuses the first, takes the second
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    }

    /** POST {ccompat}/subjects/{subject}/versions, as a Confluent client registering a schema. */
    private HttpResponse<String> registerCcompat(String subject, String schema) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", schema));
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(env.ccompatUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private int latestIdOfSubject(String subject) throws Exception {
        return getCcompat("/subjects/" + subject + "/versions/latest").get("id").asInt();
    }

    private Schema fetchConfluentSchema(int id) throws Exception {
        return new Schema.Parser().parse(fetchConfluentSchemaJson(id).get("schema").asText());
    }

    /** GET {ccompat}/schemas/ids/{id}, as a Confluent client would. */
    private JsonNode fetchConfluentSchemaJson(int id) throws Exception {
        return getCcompat("/schemas/ids/" + id);
    }

    private JsonNode getCcompat(String path) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(env.ccompatUrl() + path))
                        .header("Accept", "application/vnd.schemaregistry.v1+json")
                        .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static GenericRecord decodeAfterHeader(byte[] bytes, Schema writerSchema)
            throws Exception {
        BinaryDecoder decoder =
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        GenericRecord record =
                new GenericDatumReader<GenericRecord>(writerSchema).read(null, decoder);
        assertThat(decoder.isEnd()).as("whole payload consumed").isTrue();
        return record;
    }
}
