package io.spanloop.bench;

import java.nio.file.Path;
import java.util.Set;

/**
 * The labeler benchmark's command-line options ({@code --name value} or {@code --name=value}).
 *
 * @param answers open answers in the review queue while it is measured
 * @param reviewed further answered questions that have a correction (not in the queue)
 * @param partitions partitions of the answers and feedback topics
 * @param requests timed requests of each endpoint against the index
 * @param baselineRequests timed requests of each endpoint against the scan per request (0 skips the
 *     baseline)
 * @param out where the Markdown results are written
 * @param seed seed of the generated answers
 */
record LabelerBenchOptions(
        int answers,
        int reviewed,
        int partitions,
        int requests,
        int baselineRequests,
        Path out,
        long seed) {

    static final String USAGE =
            """
            Usage: LabelerBenchmark [options]

            Fills a real labeler's review queue (in-JVM KRaft broker + Apicurio registry on
            127.0.0.1) and measures GET /api/queue?limit=20 and GET /api/status over HTTP: first
            served from the review index, then by the scan of the stores per request that the
            labeler used before (same data, same run), and prints both and their ratio.

              --answers N            open answers in the queue (default 100000)
              --reviewed N           answered questions with a correction, not queued (default 1000)
              --partitions N         partitions of the answers and feedback topics (default 4)
              --requests N           timed requests per endpoint, index (default 500)
              --baseline-requests N  timed requests per endpoint, scan; 0 = no baseline (default 20)
              --out FILE             Markdown results (default target/bench/labeler-results.md)
              --seed N               answer generator seed (default 42)
              --help                 this text
            """;

    private static final Set<String> KEYS =
            Set.of(
                    "answers",
                    "reviewed",
                    "partitions",
                    "requests",
                    "baseline-requests",
                    "out",
                    "seed");

    LabelerBenchOptions {
        BenchArgs.require(answers >= 1, "--answers must be >= 1");
        BenchArgs.require(reviewed >= 0, "--reviewed must be >= 0");
        BenchArgs.require(partitions >= 1, "--partitions must be >= 1");
        BenchArgs.require(requests >= 1, "--requests must be >= 1");
        BenchArgs.require(baselineRequests >= 0, "--baseline-requests must be >= 0");
    }

    /**
     * @throws IllegalArgumentException for an unknown option or a bad value
     */
    static LabelerBenchOptions parse(String[] args) {
        BenchArgs values = BenchArgs.parse(args, KEYS);
        return new LabelerBenchOptions(
                values.integer("answers", 100_000),
                values.integer("reviewed", 1_000),
                values.integer("partitions", 4),
                values.integer("requests", 500),
                values.integer("baseline-requests", 20),
                Path.of(values.get("out", "target/bench/labeler-results.md")),
                values.integer("seed", 42));
    }
}
