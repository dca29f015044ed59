package io.spanloop.answerer;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.metrics.MetricsSettings;
import io.spanloop.metrics.ServiceMetrics;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running answerer instance: its Kafka Streams client and the model it serves. */
public final class Answerer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Answerer.class);

    private final KafkaStreams streams;
    private final ModelSlot models;
    private final ModelReloader reloader;
    private final ModelVersionFollower follower;
    private final ObjectName mbean;
    private final ServiceMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Answerer(
            KafkaStreams streams,
            ModelSlot models,
            ModelReloader reloader,
            ModelVersionFollower follower,
            ObjectName mbean,
            ServiceMetrics metrics) {
        this.streams = streams;
        this.models = models;
        this.reloader = reloader;
        this.follower = follower;
        this.mbean = mbean;
        this.metrics = metrics;
    }

    /** Loads the configured model and starts answering. */
    public static Answerer start(AnswererConfig config) {
        config.engineSettings().apply();
        ModelSlot models =
                new ModelSlot(
                        DjlQaModel.load(
                                ModelDirectory.open(config.modelDir()), config.modelOptions()));
        Topics topics = Topics.of(config.topicNames(), ServiceConfigs.avroSerdes(config));
        return start(config, topics, models);
    }

    /**
     * Starts answering with the given topics and model; the answerer owns {@code models}. With
     * {@code model.follow.versions}, it first catches up with the model versions topic (serving the
     * newest PUBLISHED version) and then follows it.
     */
    public static Answerer start(AnswererConfig config, Topics topics, ModelSlot models) {
        ModelReloader reloader =
                new ModelReloader(
                        models,
                        config.modelOptions(),
                        new StoreGuard(
                                config.modelStore(),
                                config.getLong(AnswererConfig.MODEL_MAX_BYTES)));
        ModelVersionFollower follower = null;
        if (config.getBoolean(AnswererConfig.MODEL_FOLLOW_VERSIONS)) {
            follower =
                    new ModelVersionFollower(
                            config.kafka(),
                            topics.modelVersions().name(),
                            topics.modelVersions().valueSerde().deserializer(),
                            reloader);
            follower.catchUp();
        }
        ServiceMetrics metrics = ServiceMetrics.start("answerer", MetricsSettings.from(config));
        KafkaStreams streams =
                new KafkaStreams(
                        AnswererTopology.buildTopology(
                                config.batchSettings(),
                                topics,
                                models,
                                new AnswerMetrics(metrics.registry())),
                        AnswererTopology.streamsProperties(config));
        metrics.bind(new KafkaStreamsMetrics(streams))
                .bind(new ReloadMetrics(reloader, config.modelOptions().precision()));
        streams.setUncaughtExceptionHandler(
                e -> {
                    // transactions make a restart safe; stopping shows the failure to operators
                    LOG.error("Stream thread failed; shutting the answerer down", e);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
        Answerer answerer =
                new Answerer(
                        streams,
                        models,
                        reloader,
                        follower,
                        registerMBean(reloader, config.getString(AnswererConfig.APPLICATION_ID)),
                        metrics);
        streams.setStateListener(
                (now, before) -> {
                    if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                        answerer.stopped.countDown();
                    }
                });
        streams.start();
        if (follower != null) {
            follower.start();
        }
        LOG.info("Answerer started, serving {}", models.current());
        return answerer;
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private static ObjectName registerMBean(ModelReloader reloader, String applicationId) {
        try {
            ObjectName name =
                    new ObjectName(
                            "io.spanloop:type=ModelReloader,name="
                                    + ObjectName.quote(applicationId)
                                    + ",instance="
                                    + INSTANCES.incrementAndGet());
            ManagementFactory.getPlatformMBeanServer().registerMBean(reloader, name);
            return name;
        } catch (JMException e) {
            LOG.warn("Cannot register the model reload MBean", e);
            return null;
        }
    }

    /** Model reload counters (also on JMX). */
    public ModelReloaderMBean reloads() {
        return reloader;
    }

    /** Where its Prometheus metrics are served; empty with {@code metrics.port=-1}. */
    public Optional<URI> metricsUrl() {
        return metrics.url();
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
            if (follower != null) {
                follower.close();
            }
            streams.close(Duration.ofSeconds(60));
            models.close();
            if (mbean != null) {
                try {
                    ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbean);
                } catch (JMException e) {
                    LOG.debug("MBean already gone", e);
                }
            }
            metrics.close();
        }
    }
}
