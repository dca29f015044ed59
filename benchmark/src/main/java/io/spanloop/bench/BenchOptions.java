package io.spanloop.bench;

import io.spanloop.qa.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The benchmark's command-line options ({@code --name value} or {@code --name=value}).
 *
 * @param questions questions timed in each phase
 * @param warmup questions answered before anything is timed (per baseline and end to end)
 * @param baselineRounds timed passes of each model-only baseline, before and again after the
 *     end-to-end runs; the fastest counts
 * @param bursts timed end-to-end bursts; the fastest counts
 * @param batchSize questions per model call: the answerer's {@code batch.max.size} and the
 *     baselines' batch
 * @param partitions partitions of the questions topic
 * @param streamThreads the answerer's {@code stream.threads}
 * @param commitIntervalMs the answerer's {@code commit.interval.ms}
 * @param batchMaxWaitMs the answerer's {@code batch.max.wait.ms}
 * @param modelDir the model version directory; {@code null} for the tiny test fixture
 * @param device where the model runs ({@code cpu}, {@code auto}, {@code gpu:N})
 * @param precision the answerer's {@code model.precision}; with bf16 the fp32 forward pass is
 *     measured too, alternating with the others
 * @param intraOpThreads PyTorch intra-op threads (0 = PyTorch's default), for every measurement
 * @param interOpThreads PyTorch inter-op threads (0 = PyTorch's default), for every measurement
 * @param pacedLoad after the burst, a paced phase offers this fraction of the burst throughput (0
 *     skips it)
 * @param timeout longest wait for the answers of one phase
 * @param out where the Markdown results are written
 * @param seed seed of the generated questions
 */
record BenchOptions(
        int questions,
        int warmup,
        int baselineRounds,
        int bursts,
        int batchSize,
        int partitions,
        int streamThreads,
        long commitIntervalMs,
        long batchMaxWaitMs,
        Path modelDir,
        String device,
        Precision precision,
        int intraOpThreads,
        int interOpThreads,
        double pacedLoad,
        Duration timeout,
        Path out,
        long seed) {

    static final String USAGE =
            """
            Usage: AnswererBenchmark [options]

            Pushes questions through a real answerer (in-JVM KRaft broker + Apicurio registry on
            127.0.0.1) and compares its end-to-end throughput with the raw model throughput at the
            same batch size, measured in the same JVM with the same engine threads.

              --questions N            questions timed per phase (default 3000)
              --warmup N               untimed warm-up questions (default: as many as
                                       --questions, so the JIT has settled before the clock)
              --baseline-rounds N      timed passes per model-only baseline, before and again
                                       after the end-to-end runs; fastest counts (default 2)
              --bursts N               timed end-to-end bursts, fastest counts (default 2)
              --batch-size N           questions per model call = batch.max.size (default 16)
              --partitions N           partitions of the questions topic (default 1)
              --stream-threads N       answerer stream.threads (default 1)
              --commit-interval-ms N   answerer commit.interval.ms (default 100)
              --batch-max-wait-ms N    answerer batch.max.wait.ms (default 20)
              --model-dir DIR          model version directory (default: the tiny test fixture)
              --device D               cpu | auto | gpu:N (default cpu)
              --precision P            fp32 | bf16 = model.precision; bf16 also times the fp32
                                       forward pass in the same run (default fp32)
              --intra-op-threads N     PyTorch intra-op threads, 0 = the answerer's auto: cores ÷
                                       stream threads (default 0)
              --inter-op-threads N     PyTorch inter-op threads, 0 = PyTorch default (default 0)
              --paced-load F           paced latency phase at F x burst throughput, 0 = skip
                                       (default 0.5)
              --timeout-s N            longest wait for one phase's answers (default 900)
              --out FILE               Markdown results (default target/bench/results.md)
              --seed N                 question generator seed (default 42)
              --help                   this text
            """;

    private static final Set<String> KEYS =
            Set.of(
                    "questions",
                    "warmup",
                    "baseline-rounds",
                    "bursts",
                    "batch-size",
                    "partitions",
                    "stream-threads",
                    "commit-interval-ms",
                    "batch-max-wait-ms",
                    "model-dir",
                    "device",
                    "precision",
                    "intra-op-threads",
                    "inter-op-threads",
                    "paced-load",
                    "timeout-s",
                    "out",
                    "seed");

    BenchOptions {
        BenchArgs.require(questions >= 1, "--questions must be >= 1");
        BenchArgs.require(warmup >= 0, "--warmup must be >= 0");
        BenchArgs.require(baselineRounds >= 1, "--baseline-rounds must be >= 1");
        BenchArgs.require(bursts >= 1, "--bursts must be >= 1");
        BenchArgs.require(batchSize >= 1 && batchSize <= 4096, "--batch-size must be in 1..4096");
        BenchArgs.require(partitions >= 1, "--partitions must be >= 1");
        BenchArgs.require(streamThreads >= 1, "--stream-threads must be >= 1");
        BenchArgs.require(commitIntervalMs >= 1, "--commit-interval-ms must be >= 1");
        BenchArgs.require(batchMaxWaitMs >= 1, "--batch-max-wait-ms must be >= 1");
        BenchArgs.require(intraOpThreads >= 0 && interOpThreads >= 0, "thread counts must be >= 0");
        BenchArgs.require(pacedLoad >= 0 && pacedLoad < 1, "--paced-load must be in [0, 1)");
        BenchArgs.require(!timeout.isNegative() && !timeout.isZero(), "--timeout-s must be > 0");
    }

    /** True when {@code args} ask for the usage text. */
    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @throws IllegalArgumentException for an unknown option or a bad value
     */
    static BenchOptions parse(String[] args) {
        BenchArgs values = BenchArgs.parse(args, KEYS);
        String modelDir = values.get("model-dir");
        int questions = values.integer("questions", 3000);
        return new BenchOptions(
                questions,
                values.integer("warmup", questions),
                values.integer("baseline-rounds", 2),
                values.integer("bursts", 2),
                values.integer("batch-size", 16),
                values.integer("partitions", 1),
                values.integer("stream-threads", 1),
                values.integer("commit-interval-ms", 100),
                values.integer("batch-max-wait-ms", 20),
                modelDir == null || modelDir.isBlank() ? null : Path.of(modelDir),
                values.get("device", "cpu"),
                Precision.parse(values.get("precision", "fp32")),
                values.integer("intra-op-threads", 0),
                values.integer("inter-op-threads", 0),
                values.decimal("paced-load", 0.5),
                Duration.ofSeconds(values.integer("timeout-s", 900)),
                Path.of(values.get("out", "target/bench/results.md")),
                values.integer("seed", 42));
    }
}
