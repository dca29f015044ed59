package io.spanloop.local;

import io.spanloop.local.cli.Cli;
import io.spanloop.local.demo.Pretrain;
import io.spanloop.retrainer.RetrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code spanloop demo}: runs the whole system on this machine until Ctrl-C; the user commands
 * ({@code ask}, {@code import}, {@code versions}) go to {@link Cli}. See {@link #USAGE}.
 */
public final class LocalMain {

    static final String USAGE =
            """
            usage: spanloop demo [options]

            Starts a KRaft Kafka broker, the schema registry, the answerer, the labeler and the
            retrainer on 127.0.0.1, asks a few demo questions, prints the answers, then either
            runs the learning loop unattended (--auto-label) or asks 200 questions for people
            to review in the labeler, and runs until Ctrl-C.

              --data DIR            data, logs and model store (default: ./data)
              --reset               delete the data directory first
              --kafka-port N        broker port (default 9092)
              --controller-port N   KRaft controller port (default 9093)
              --registry-port N     schema registry port (default 8081)
              --labeler-port N      labeler web UI / API port (default 8080)
              --annotator NAME:TOKEN  the labeler login (default demo:demo)
              --model DIR           model version directory installed as version 1
                                    (default: the bundled pre-trained demo model, demo-model/1)
              --auto-label          a simulated annotator reviews the answers through the
                                    labeler's API, so the loop runs unattended; prints a row per
                                    model version (EM/F1 on held-out towns)
              --labels N            the simulated annotator's budget (default 500)
              --label-rate N        its labels per second (default 3)
              --minutes N           stop auto-labelling after N minutes (default 10)
              --once                stop after the demo (questions answered, or auto-labelling
                                    done) instead of running until Ctrl-C; exit status 3
                                    when auto-labelling missed its target

            Re-make the demo's pre-trained base model: spanloop pretrain --help
            """
                    + Cli.SUMMARY;

    private LocalMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("pretrain")) {
            Pretrain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && Cli.handles(args[0])) {
            System.exit(Cli.launch(args));
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-launcher.xml");
        }
        LocalOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("spanloop: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(USAGE);
            return;
        }
        System.exit(run(options));
    }

    static int run(LocalOptions options) throws InterruptedException {
        // this JVM only scores model versions for the demo table: one core is plenty, the
        // retrainer and the answerer need the rest
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (RuntimeException e) {
            System.err.println("spanloop: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stack.close();
                            stop.countDown();
                        },
                        "spanloop-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LocalStack.say("");
        LocalStack.say("Kafka:    " + options.bootstrapServers());
        LocalStack.say(
                "Registry: "
                        + options.registryUrl()
                        + "  (Confluent clients: "
                        + options.ccompatUrl()
                        + ")");
        LocalStack.say("Data:     " + options.dataDir().toAbsolutePath());
        LocalStack.say("Logs:     " + options.logs().toAbsolutePath());
        LocalStack.say("Questions go to qa.questions, answers come out of qa.answers.");
        String login = options.annotator();
        LocalStack.say(
                "Labeler:  "
                        + options.labelerUrl()
                        + "  (log in as "
                        + login.substring(0, login.indexOf(':'))
                        + ", token "
                        + login.substring(login.indexOf(':') + 1)
                        + ")");
        LocalStack.say(
                "Retrainer: trains a new version after "
                        + LocalStack.DEMO_TRAINING.get(RetrainerConfig.TRIGGER_MIN_LABELS)
                        + " corrections (or a minute with at least one); models in "
                        + stack.modelStore());
        LocalStack.say("Model versions: ./spanloop versions   (or the labeler page's header)");
        LocalStack.say("");
        LearningDemo.Result learned = null;
        try {
            Demo.run(options, Duration.ofSeconds(120));
            if (options.autoLabel().enabled()) {
                learned =
                        new LearningDemo(options, stack.modelStore(), stack.modelName())
                                .run(
                                        options.autoLabel().labels(),
                                        options.autoLabel().labelsPerSecond(),
                                        options.autoLabel().timeout());
            } else {
                new LearningDemo(options, stack.modelStore(), stack.modelName()).askForReview(200);
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
        LocalStack.say("Running. Press Ctrl-C to stop.");
        while (!stop.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
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

    /** The options, or {@code null} for help. */
    static LocalOptions parse(String[] args) {
        Path data = Path.of("data");
        boolean reset = false;
        boolean once = false;
        int kafkaPort = 9092;
        int controllerPort = 9093;
        int registryPort = 8081;
        int labelerPort = 8080;
        String annotator = "demo:demo";
        String registryHome = System.getProperty("spanloop.registry.home");
        String model = System.getProperty("spanloop.demo.model");
        boolean autoLabel = false;
        int labels = 500;
        int labelRate = 3;
        int minutes = 10;
        if (args.length == 0 || !args[0].equals("demo")) {
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("help"))) {
                return null;
            }
            throw new IllegalArgumentException(
                    "unknown command " + (args.length == 0 ? "(none)" : args[0]));
        }
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(Args.value(args, ++i));
                case "--reset" -> reset = true;
                case "--once" -> once = true;
                case "--kafka-port" -> kafkaPort = port(Args.value(args, ++i));
                case "--controller-port" -> controllerPort = port(Args.value(args, ++i));
                case "--registry-port" -> registryPort = port(Args.value(args, ++i));
                case "--labeler-port" -> labelerPort = port(Args.value(args, ++i));
                case "--annotator" -> annotator = Args.value(args, ++i);
                case "--model" -> model = Args.value(args, ++i);
                case "--auto-label" -> autoLabel = true;
                case "--labels" -> labels = Args.positive(args, ++i);
                case "--label-rate" -> labelRate = Args.positive(args, ++i);
                case "--minutes" -> minutes = Args.positive(args, ++i);
                case "--help", "-h" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required (the launcher sets it)");
        }
        return new LocalOptions(
                data,
                reset,
                kafkaPort,
                controllerPort,
                registryPort,
                labelerPort,
                annotator,
                registryHome == null ? null : Path.of(registryHome),
                Path.of(model),
                new LocalOptions.AutoLabel(
                        autoLabel, labels, labelRate, Duration.ofMinutes(minutes)),
                once);
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + value);
        }
    }
}
