package io.spanloop.answerer;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running answerer instance: its Kafka Streams client and the model it serves. */
public final class Answerer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Answerer.class);

    private final KafkaStreams streams;
    private final ModelSlot models;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Answerer(KafkaStreams streams, ModelSlot models) {
        this.streams = streams;
        this.models = models;
    }

    /** Loads the configured model and starts answering. */
    public static Answerer start(AnswererConfig config) {
        config.engineSettings().apply();
        ModelSlot models =
                new ModelSlot(
                        DjlQaModel.load(
                                ModelDirectory.open(config.modelDir()), config.modelOptions()));
        Topics topics =
                Topics.of(
                        config.topicNames(),
                        AvroSerdes.forRegistry(config.getString(AnswererConfig.REGISTRY_URL)));
        return start(config, topics, models);
    }

    /** Starts answering with the given topics and model; the answerer owns {@code models}. */
    public static Answerer start(AnswererConfig config, Topics topics, ModelSlot models) {
        KafkaStreams streams =
                new KafkaStreams(
                        AnswererTopology.buildTopology(config.batchSettings(), topics, models),
                        AnswererTopology.streamsProperties(config));
        streams.setUncaughtExceptionHandler(
                e -> {
                    // transactions make a restart safe; stopping shows the failure to operators
                    LOG.error("Stream thread failed; shutting the answerer down", e);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
        Answerer answerer = new Answerer(streams, models);
        streams.setStateListener(
                (now, before) -> {
                    if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                        answerer.stopped.countDown();
                    }
                });
        streams.start();
        LOG.info("Answerer started, serving {}", models.current());
        return answerer;
    }

    /** Blocks until the answerer stops (closed, or failed); returns the final state. */
    public KafkaStreams.State awaitStop() throws InterruptedException {
        stopped.await();
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ModelSlot models() {
        return models;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            streams.close(Duration.ofSeconds(60));
            models.close();
        }
    }
}
