package io.spanloop.labeler;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.spanloop.config.ServiceConfigs;
import io.spanloop.metrics.MetricsSettings;
import io.spanloop.metrics.ServiceMetrics;
import io.spanloop.schemas.AvroSerdes;
import io.spanloop.schemas.Topics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running labeler: the review queue (Kafka Streams), the corrections producer, the Models page's
 * topic followers and version-event producer, the web server.
 */
public final class Labeler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Labeler.class);

    private final KafkaStreams streams;
    private final CorrectionWriter writer;
    private final ModelsApi models;
    private final Javalin web;
    private final ServiceMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Labeler(
            KafkaStreams streams,
            CorrectionWriter writer,
            ModelsApi models,
            Javalin web,
            ServiceMetrics metrics) {
        this.streams = streams;
        this.writer = writer;
        this.models = models;
        this.web = web;
        this.metrics = metrics;
    }

    /** How the API finds the review queue's open items. */
    public enum QueueReads {
        /** An index kept in order as answers and corrections arrive (the labeler's way). */
        INDEX,
        /**
         * Scan and sort every stored answer per request, as before the index: the benchmark's
         * baseline only (linear in the answers stored).
         */
        SCAN
    }

    public static Labeler start(LabelerConfig config) {
        return start(config, QueueReads.INDEX);
    }

    public static Labeler start(LabelerConfig config, QueueReads reads) {
        AvroSerdes serdes = ServiceConfigs.avroSerdes(config);
        Topics topics = Topics.of(config.topicNames(), serdes);
        Annotators annotators = config.annotators();
        if (annotators.isEmpty()) {
            LOG.warn("No annotators configured ({}): nobody can log in", LabelerConfig.ANNOTATORS);
        }
        ServiceMetrics metrics = ServiceMetrics.start("labeler", MetricsSettings.from(config));
        ReviewIndex index = new ReviewIndex(config.queueOrder());
        KafkaStreams streams =
                new KafkaStreams(
                        ReviewQueueTopology.buildTopology(topics, serdes, index),
                        ReviewQueueTopology.streamsProperties(config));
        streams.start();
        CorrectionWriter writer =
                new CorrectionWriter(
                        config.kafka(),
                        topics.feedback(),
                        config.produceTimeout(),
                        config.producerOverrides());
        metrics.bind(new KafkaStreamsMetrics(streams)).bind(writer.clientMetrics());
        ModelsApi models = ModelsApi.start(config, topics, streams, annotators, Clock.systemUTC());
        ReviewStores stores = ReviewStores.of(streams);
        ReviewQueue queue =
                new ReviewQueue(
                        stores,
                        config.queueOrder(),
                        reads == QueueReads.SCAN
                                ? new ScannedOpenItems(stores, config.queueOrder())
                                : new IndexedOpenItems(index, stores, config.queueOrder()));
        LabelerApi api =
                new LabelerApi(
                        annotators,
                        queue,
                        writer,
                        models,
                        new LabelerMetrics(metrics.registry()).queueSize(queue::openCount),
                        Clock.systemUTC());
        Javalin web;
        try {
            web =
                    Javalin.create(
                                    c -> {
                                        c.jetty.host = config.getString(LabelerConfig.HTTP_HOST);
                                        c.jetty.port = config.getInt(LabelerConfig.HTTP_PORT);
                                        c.http.maxRequestSize =
                                                config.getInt(LabelerConfig.HTTP_MAX_BODY_BYTES);
                                        c.startup.showJavalinBanner = false;
                                        api.configure(c);
                                    })
                            .start();
        } catch (RuntimeException e) {
            models.close();
            writer.close();
            streams.close(Duration.ofSeconds(30));
            metrics.close();
            throw e;
        }
        Labeler labeler = new Labeler(streams, writer, models, web, metrics);
        LOG.info("Labeler listening on {}", labeler.baseUrl());
        return labeler;
    }

    public int port() {
        return web.port();
    }

    public String baseUrl() {
        return "http://" + web.jettyServer().server().getURI().getHost() + ":" + port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Where its Prometheus metrics are served; empty with {@code metrics.port=-1}. */
    public Optional<URI> metricsUrl() {
        return metrics.url();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            web.stop();
            models.close();
            writer.close();
            streams.close(Duration.ofSeconds(30));
            metrics.close();
        }
    }
}
