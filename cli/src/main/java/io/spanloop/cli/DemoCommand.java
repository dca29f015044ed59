package io.spanloop.cli;

import io.spanloop.demo.DemoOptions;
import io.spanloop.demo.DemoRun;
import io.spanloop.local.StackSettings;
import io.spanloop.schemas.RegistryRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** {@code spanloop demo}: the whole system on this machine (see {@link DemoRun}). */
final class DemoCommand extends Command {

    /** The system property the launcher script sets to the bundled demo model. */
    static final String DEMO_MODEL_PROPERTY = "spanloop.demo.model";

    private static final String USAGE =
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
            """;

    DemoCommand() {
        super(
                "demo",
                USAGE + Cli.SUMMARY,
                Set.of(
                        "--data",
                        "--kafka-port",
                        "--controller-port",
                        "--registry-port",
                        "--labeler-port",
                        "--annotator",
                        "--model",
                        "--labels",
                        "--label-rate",
                        "--minutes"),
                Set.of("--reset", "--auto-label", "--once"));
    }

    @Override
    int run(CommandLine line, CliContext context) {
        DemoOptions options = options(line);
        try {
            return DemoRun.run(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The options {@code line} gives, over the defaults. */
    static DemoOptions options(CommandLine line) {
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument " + line.positionals().get(0));
        }
        StackSettings defaults = StackSettings.builder().build();
        String home = System.getProperty(RegistryRunner.HOME_PROPERTY);
        StackSettings stack =
                StackSettings.builder()
                        .dataDir(line.path("--data", defaults.dataDir()))
                        .kafkaPort(line.port("--kafka-port", defaults.kafkaPort()))
                        .controllerPort(line.port("--controller-port", defaults.controllerPort()))
                        .registryPort(line.port("--registry-port", defaults.registryPort()))
                        .registryHome(home == null ? null : Path.of(home))
                        .build();
        int labelerPort = line.port("--labeler-port", 8080);
        DemoOptions.AutoLabel autoLabel =
                line.flag("--auto-label")
                        ? DemoOptions.AutoLabel.of(
                                line.positive("--labels", DemoOptions.AutoLabel.OFF.labels()),
                                line.positiveDecimal(
                                        "--label-rate",
                                        DemoOptions.AutoLabel.OFF.labelsPerSecond()),
                                Duration.ofMinutes(
                                        line.positive(
                                                "--minutes",
                                                (int)
                                                        DemoOptions.AutoLabel.OFF
                                                                .timeout()
                                                                .toMinutes())))
                        : DemoOptions.AutoLabel.OFF;
        String bundled = System.getProperty(DEMO_MODEL_PROPERTY);
        Path model = line.path("--model", bundled == null ? null : Path.of(bundled));
        if (model == null) {
            throw new UsageException("--model is required (the launcher script sets it)");
        }
        try {
            return DemoOptions.builder()
                    .stack(stack)
                    .labelerPort(labelerPort)
                    .annotator(line.value("--annotator").orElse("demo:demo"))
                    .model(model)
                    .reset(line.flag("--reset"))
                    .once(line.flag("--once"))
                    .autoLabel(autoLabel)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--annotator: " + e.getMessage());
        }
    }
}
