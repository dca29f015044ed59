package io.spanloop.demo;

import io.spanloop.demo.clients.DemoClients;
import io.spanloop.demo.learning.LearningDriver;
import io.spanloop.demo.learning.LearningTarget;
import io.spanloop.local.Console;
import io.spanloop.local.LocalStack;
import io.spanloop.local.StackSettings;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code spanloop demo}: starts the whole system with the {@link DemoProfile}, asks the demo
 * questions, then runs the learning loop unattended or asks questions for people to review, and
 * runs until Ctrl-C (or stops at once with {@link DemoOptions#once()}).
 *
 * <p>Exit status: 0 done, 1 the stack failed, 3 auto-labelling missed its target (with {@code
 * once}).
 */
public final class DemoRun {

    /** How long the first demo questions may take to be answered. */
    static final Duration FIRST_ANSWERS = Duration.ofSeconds(120);

    /** Questions asked for people to review when nobody auto-labels. */
    static final int QUESTIONS_FOR_REVIEW = 200;

    private static final long LIVENESS_CHECK_SECONDS = 5;

    private DemoRun() {}

    /** Runs the demo; returns the exit status. */
    public static int run(DemoOptions options) throws InterruptedException {
        DemoProfile profile;
        LocalStack stack;
        try {
            if (options.reset()) {
                reset(options.stack());
            }
            profile = DemoProfile.of(options); // may build the base model, on every core
            // from now on this JVM only scores model versions for the demo table: one core is
            // plenty, the retrainer and the answerer need the rest
            EngineSettings.useIntraOpThreads(1);
            stack = LocalStack.start(options.stack(), profile.services());
        } catch (RuntimeException e) {
            System.err.println("spanloop: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stack.close();
                                    stop.countDown();
                                },
                                "spanloop-shutdown"));
        printWhereThingsAre(options, profile);
        LearningDriver.Result learned = null;
        try {
            DemoQuestions.ask(options.stack(), FIRST_ANSWERS);
            LearningDriver driver =
                    new LearningDriver(
                            new DemoClients(options.stack()),
                            URI.create(options.labelerUrl()),
                            options.annotatorToken(),
                            profile.modelStore(),
                            profile.modelName(),
                            options.base().pretrained()
                                    ? LearningTarget.PRETRAINED
                                    : LearningTarget.TINY,
                            System.out);
            DemoOptions.AutoLabel autoLabel = options.autoLabel();
            if (autoLabel.enabled()) {
                learned =
                        driver.run(
                                autoLabel.labels(),
                                autoLabel.labelsPerSecond(),
                                autoLabel.timeout(),
                                autoLabel.lockstep() ? profile.minLabels() : 0);
            } else {
                driver.askForReview(QUESTIONS_FOR_REVIEW);
            }
        } catch (RuntimeException e) {
            System.err.println("spanloop: " + e.getMessage());
            stack.close();
            return 1;
        }
        if (options.once()) {
            stack.close();
            return learned == null || learned.reachedTarget() ? 0 : 3;
        }
        Console.say("Running. Press Ctrl-C to stop.");
        while (!stop.await(LIVENESS_CHECK_SECONDS, TimeUnit.SECONDS)) {
            try {
                stack.checkAlive();
            } catch (IllegalStateException e) {
                System.err.println("spanloop: " + e.getMessage());
                stack.close();
                return 1;
            }
        }
        return 0;
    }

    private static void reset(StackSettings stack) {
        try {
            FileOps.deleteRecursively(stack.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + stack.dataDir(), e);
        }
    }

    private static void printWhereThingsAre(DemoOptions options, DemoProfile profile) {
        StackSettings stack = options.stack();
        Console.say("");
        Console.say("Kafka:    " + stack.bootstrapServers());
        Console.say(
                "Registry: "
                        + stack.registryUrl()
                        + "  (Confluent clients: "
                        + stack.ccompatUrl()
                        + ")");
        Console.say("Data:     " + stack.dataDir().toAbsolutePath());
        Console.say("Logs:     " + stack.logs().toAbsolutePath());
        Console.say("Questions go to qa.questions, answers come out of qa.answers.");
        Console.say(
                "Labeler:  "
                        + options.labelerUrl()
                        + "  (log in as "
                        + options.annotatorName()
                        + ", token "
                        + options.annotatorToken()
                        + ", an admin)");
        Console.say(
                "Models:   "
                        + options.labelerUrl()
                        + "models.html  (versions, live training, answers per version; promote"
                        + " or pin a version)");
        DemoOptions.MetricsPorts metrics = options.metricsPorts();
        if (metrics.enabled()) {
            Console.say(
                    "Metrics:  "
                            + metricsUrl(metrics.answerer())
                            + " (answerer), "
                            + metricsUrl(metrics.labeler())
                            + " (labeler), "
                            + metricsUrl(metrics.retrainer())
                            + " (retrainer)");
        }
        Console.say(
                "Retrainer: trains a new version after "
                        + profile.triggers()
                        + "; models in "
                        + profile.modelStore());
        Console.say("Model versions: ./spanloop versions   (or the labeler's Models page)");
        Console.say("");
    }

    private static String metricsUrl(int port) {
        return "http://127.0.0.1:" + port + "/metrics";
    }
}
