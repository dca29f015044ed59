package io.spanloop.cli;

import io.spanloop.demo.DemoBase;
import io.spanloop.demo.DemoOptions;
import io.spanloop.demo.DemoRun;
import io.spanloop.local.StackSettings;
import io.spanloop.schemas.RegistryRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** {@code spanloop demo}: the whole system on this machine (see {@link DemoRun}). */
final class DemoCommand extends Command {

    /** The system property the launcher script sets to the bundled tiny demo model. */
    static final String TINY_MODEL_PROPERTY = "spanloop.demo.model";

    /** The simulated annotator's budget: a pretrained base should learn within 300 labels. */
    static final int PRETRAINED_LABELS = 300;

    static final int TINY_LABELS = 500;

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
              --metrics-port N      Prometheus /metrics of the answerer on N, the labeler on
                                    N+1, the retrainer on N+2 (default 9401)
              --no-metrics          no /metrics endpoints
              --annotator NAME:TOKEN  the labeler login (default demo:demo)
              --tiny                the bundled tiny model (0.4 M parameters, demo-model/1) as
                                    version 1 instead of the real pretrained transformer
                                    (all-MiniLM-L6-v2 from Maven Central, 22.7 M parameters,
                                    fine-tuned on the known facts on the first run: a few
                                    minutes, then kept in the data directory)
              --model DIR           this model version directory as version 1 instead
              --auto-label          a simulated annotator reviews the answers through the
                                    labeler's API, so the loop runs unattended; prints a row per
                                    model version (EM/F1 on held-out towns)
              --labels N            the simulated annotator's budget (default 300; 500 with
                                    --tiny)
              --label-rate N        its labels per second (default 3)
              --minutes N           stop auto-labelling after N minutes (default 10)
              --overlap             label on while the retrainer trains (by default the
                                    annotator labels what one training needs, then waits for
                                    its version, so that every run learns from the same labels)
              --once                stop after the demo (questions answered, or auto-labelling
                                    done) instead of running until Ctrl-C; exit status 3
                                    when auto-labelling missed its target

            Re-make the tiny base model: spanloop pretrain --help
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
                        "--metrics-port",
                        "--annotator",
                        "--model",
                        "--labels",
                        "--label-rate",
                        "--minutes"),
                Set.of("--reset", "--auto-label", "--once", "--tiny", "--overlap", "--no-metrics"));
    }

    /**
     * From {@code --metrics-port N} (N, N+1, N+2) or {@code --no-metrics}; 9401-9403 if neither.
     */
    private static DemoOptions.MetricsPorts metricsPorts(CommandLine line) {
        int first = line.port("--metrics-port", DemoOptions.MetricsPorts.DEFAULT.answerer());
        if (line.flag("--no-metrics")) {
            if (line.value("--metrics-port").isPresent()) {
                throw new UsageException("--metrics-port and --no-metrics: give one of them");
            }
            return DemoOptions.MetricsPorts.OFF;
        }
        if (first > 65_533) {
            throw new UsageException("--metrics-port needs three ports from N, not " + first);
        }
        return DemoOptions.MetricsPorts.startingAt(first);
    }

    /** MiniLM unless {@code --tiny} or {@code --model DIR} says otherwise. */
    private static DemoBase base(CommandLine line) {
        Path model = line.path("--model", null);
        if (line.flag("--tiny")) {
            if (model != null) {
                throw new UsageException("--tiny and --model DIR: give one of them");
            }
            String bundled = System.getProperty(TINY_MODEL_PROPERTY);
            if (bundled == null) {
                throw new UsageException(
                        "--tiny needs the bundled model (the launcher script sets -D"
                                + TINY_MODEL_PROPERTY
                                + ")");
            }
            return DemoBase.tiny(Path.of(bundled));
        }
        return model == null ? DemoBase.miniLm() : DemoBase.given(model);
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
        DemoOptions.MetricsPorts metricsPorts = metricsPorts(line);
        DemoBase base = base(line);
        DemoOptions.AutoLabel autoLabel =
                line.flag("--auto-label")
                        ? DemoOptions.AutoLabel.of(
                                line.positive(
                                        "--labels",
                                        base.pretrained() ? PRETRAINED_LABELS : TINY_LABELS),
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
        if (line.flag("--overlap")) {
            autoLabel = autoLabel.overlapping();
        }
        try {
            return DemoOptions.builder()
                    .stack(stack)
                    .labelerPort(labelerPort)
                    .metricsPorts(metricsPorts)
                    .annotator(line.value("--annotator").orElse("demo:demo"))
                    .base(base)
                    .reset(line.flag("--reset"))
                    .once(line.flag("--once"))
                    .autoLabel(autoLabel)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--annotator: " + e.getMessage());
        }
    }
}
