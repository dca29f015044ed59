package io.spanloop.bench;

import io.spanloop.answerer.AnswererConfig;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's results as Markdown: one table row per phase (pasteable into README) and the
 * breakdown of where an end-to-end answer's time goes.
 */
final class BenchReport {

    private static final String HEADER =
            "| model | load | batch | questions | forward-only answers/s | QaPredictor answers/s"
                    + " | end-to-end answers/s | ratio | p50 ms | p99 ms |\n"
                    + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";

    /** Everything one run measured. */
    record Run(
            BenchOptions options,
            ModelDirectory model,
            ModelBaselines.Result baselines,
            LoadPhase.Result burst,
            LoadPhase.Result paced,
            SerdeCost.Micros serde,
            long answerTopicOffsets,
            long[] changelog,
            long deadLetters,
            int duplicates) {}

    private BenchReport() {}

    /** The end-to-end answers/s over the forward-only answers/s of the burst. */
    static double ratio(Run run) {
        return run.burst().answersPerSecond() / run.baselines().forward().perSecond();
    }

    static String rows(Run run) {
        StringBuilder rows = new StringBuilder();
        boolean disturbed = run.baselines().cpu().disturbed() || run.burst().cpu().disturbed();
        rows.append(
                row(
                        run,
                        run.burst(),
                        disturbed ? "burst (busy machine)" : "burst",
                        fmt("%.2f", ratio(run))));
        if (run.paced() != null) {
            rows.append(
                    row(
                            run,
                            run.paced(),
                            fmt("paced %.0f/s", run.paced().offeredRate()),
                            "n/a (paced)"));
        }
        return rows.toString();
    }

    private static String row(Run run, LoadPhase.Result phase, String load, String ratio) {
        return fmt(
                "| %s v%d%s | %s | %d | %d | %,.0f | %,.0f | %,.0f | %s | %,.0f | %,.0f |\n",
                run.model().modelName(),
                run.model().version(),
                run.options().precision() == Precision.FP32 ? "" : " " + run.options().precision(),
                load,
                run.options().batchSize(),
                phase.questions(),
                run.baselines().forward().perSecond(),
                run.baselines().predictor().perSecond(),
                phase.answersPerSecond(),
                ratio,
                LoadPhase.percentile(phase.latency(), 50),
                LoadPhase.percentile(phase.latency(), 99));
    }

    static String markdown(Run run) {
        BenchOptions o = run.options();
        LoadPhase.Result burst = run.burst();
        ModelBaselines.Result base = run.baselines();
        StringBuilder md = new StringBuilder();
        md.append(
                fmt(
                        "## Answerer benchmark: %s v%d, batch %d\n\n",
                        run.model().modelName(), run.model().version(), o.batchSize()));
        md.append(
                fmt(
                        "%s; %d cores; Java %s; device %s, %s; PyTorch intra-op threads %s,"
                                + " inter-op %s (same for every row); model-only baselines fastest of %d"
                                + " passes each before the broker started and %d after the"
                                + " end-to-end runs, forward-only and QaPredictor alternating, with"
                                + " %d predictor thread(s) (as many as stream threads); end to end"
                                + " the fastest of %d bursts. Model: max_seq_length %d,"
                                + " stride %d. Answerer: batch.max.size=%d, batch.max.wait.ms=%d,"
                                + " commit.interval.ms=%d, stream.threads=%d, %d partition(s),"
                                + " exactly_once_v2. Broker in the same JVM, registry in a child"
                                + " process, all on 127.0.0.1 of this host.\n\n",
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        o.device(),
                        o.precision(),
                        o.intraOpThreads() == 0
                                ? "auto ("
                                        + AnswererConfig.autoIntraOpThreads(o.streamThreads())
                                        + " per stream thread)"
                                : o.intraOpThreads(),
                        o.interOpThreads() == 0 ? "default" : o.interOpThreads(),
                        o.baselineRounds(),
                        o.baselineRounds(),
                        o.streamThreads(),
                        o.bursts(),
                        run.model().config().maxSeqLength(),
                        run.model().config().stride(),
                        o.batchSize(),
                        o.batchMaxWaitMs(),
                        o.commitIntervalMs(),
                        o.streamThreads(),
                        o.partitions()));
        md.append(HEADER).append(rows(run)).append('\n');
        md.append(
                fmt(
                        "Model-only passes: forward-only %,.0f to %,.0f answers/s, QaPredictor"
                                + " %,.0f to %,.0f answers/s (the fastest counts).%s\n\n",
                        base.forward().slowestPerSecond(),
                        base.forward().perSecond(),
                        base.predictor().slowestPerSecond(),
                        base.predictor().perSecond(),
                        base.cpu().text().isEmpty()
                                ? ""
                                : " CPU meanwhile: " + base.cpu().text() + "."));
        if (base.fp32Forward() != null) {
            md.append(
                    fmt(
                            "%s against fp32, the same forward passes alternating in this run:"
                                    + " %,.0f vs %,.0f answers/s, **%.2fx**.\n\n",
                            o.precision(),
                            base.forward().perSecond(),
                            base.fp32Forward().perSecond(),
                            base.forward().perSecond() / base.fp32Forward().perSecond()));
        }
        List<String> disturbed = new ArrayList<>();
        if (base.cpu().disturbed()) {
            disturbed.add(fmt("%.2f CPUs during the model-only passes", base.cpu().otherCpus()));
        }
        if (burst.cpu().disturbed()) {
            disturbed.add(fmt("%.2f CPUs during the burst", burst.cpu().otherCpus()));
        }
        if (!disturbed.isEmpty()) {
            md.append(
                    "**Warning: other processes on this machine used "
                            + String.join(" and ", disturbed)
                            + "; these numbers are skewed, rerun on a quiet machine.**\n\n");
        }
        md.append(
                "ratio = end-to-end answers/s ÷ forward-only answers/s (targets: >= 0.95 on a real"
                        + " model, >= 0.6 on the tiny fixture)."
                        + " forward-only: the TorchScript forward pass alone on the same questions,"
                        + " padded as the answerer pads them (tensors in, logits out)."
                        + " QaPredictor: `QaPredictor.answer(batch)`, i.e. forward plus"
                        + " tokenisation, windows and span decoding. Latency: consumer receive"
                        + " time − the question's submittedAt; in the burst every question is"
                        + " submitted at once, so its latencies include the wait behind the"
                        + " questions ahead.\n\n");

        double e2eMicros = 1e6 / burst.answersPerSecond();
        double forward = base.forward().microsPerQuestion();
        double tokenizeDecode = base.stages().prePostMicrosPerQuestion();
        double rest = e2eMicros - forward - tokenizeDecode - run.serde().answerer();
        md.append("### Where an answer's time goes (burst, µs per answer)\n\n");
        md.append("| part | µs | share |\n|---|---:|---:|\n");
        md.append(part("forward pass (forward-only baseline)", forward, e2eMicros));
        md.append(
                part(
                        "tokenisation, windows, decoding (timed inside `QaPredictor.answer`)",
                        tokenizeDecode,
                        e2eMicros));
        md.append(
                part(
                        "Avro in the answerer (question in, answer out; measured apart)",
                        run.serde().answerer(),
                        e2eMicros));
        md.append(
                part(
                        "the rest: Kafka Streams loop, transactions, broker, clients, idle",
                        rest,
                        e2eMicros));
        md.append(part("**end to end**", e2eMicros, e2eMicros)).append('\n');

        md.append("### Answerer internals during the burst\n\n");
        List<String> facts = new ArrayList<>();
        facts.add(
                fmt(
                        "%,.0f model calls, mean batch %.1f questions (batch.max.size %d)",
                        burst.batches(), burst.meanBatchSize(), o.batchSize()));
        facts.add(
                fmt(
                        "inside `QaPredictor.answer`: %.0f%% of each stream thread's wall time"
                                + " (%.1f s of %.1f s per thread); the model-only baseline"
                                + " answered the same questions in batches of %d in %.1f s",
                        100 * burst.modelShare() / o.streamThreads(),
                        burst.modelMicros() / 1e6 / o.streamThreads(),
                        burst.wallSeconds(),
                        o.batchSize(),
                        base.predictor().nanos() / 1e9));
        facts.add(
                fmt(
                        "inside the baseline's `QaPredictor.answer` calls, per question:"
                                + " tokenising and windows %.0f µs, forward passes %.0f µs,"
                                + " decoding %.0f µs; QaPredictor − forward-only, two separately"
                                + " timed passes, %.0f µs (that difference moves with the"
                                + " machine's noise)",
                        base.stages().encodeNanos() / 1e3 / base.stages().questions(),
                        base.stages().forwardMicrosPerQuestion(),
                        base.stages().decodeNanos() / 1e3 / base.stages().questions(),
                        base.predictor().microsPerQuestion() - forward));
        facts.add(
                fmt(
                        "CPU time per answer, all threads of this JVM (less sensitive to other"
                                + " load than wall time): forward-only %.2f ms, QaPredictor %.2f"
                                + " ms, end to end %.2f ms (answerer, broker, clients, JIT, GC);"
                                + " forward-only ÷ end to end = %.2f",
                        base.forward().cpuMillisPerQuestion(),
                        base.predictor().cpuMillisPerQuestion(),
                        burst.cpu().jvmCpuSeconds() * 1e3 / burst.answered(),
                        base.forward().cpuMillisPerQuestion()
                                / (burst.cpu().jvmCpuSeconds() * 1e3 / burst.answered())));
        facts.add(
                fmt(
                        "stream thread(s) blocked on Kafka (`blocked-time-ns-total`): %.0f%% of"
                                + " wall time",
                        100 * burst.nanosShare(StreamsCounters.BLOCKED_NS)));
        facts.add(
                fmt(
                        "%,.0f commits (%.1f/s); producer time in `commitTransaction` %.0f%%,"
                                + " `sendOffsetsToTransaction` %.0f%%, `beginTransaction` %.0f%%"
                                + " of wall time",
                        burst.counter(StreamsCounters.COMMITS),
                        burst.counter(StreamsCounters.COMMITS) / burst.wallSeconds(),
                        100 * burst.nanosShare(StreamsCounters.TXN_COMMIT_NS),
                        100 * burst.nanosShare(StreamsCounters.TXN_SEND_OFFSETS_NS),
                        100 * burst.nanosShare(StreamsCounters.TXN_BEGIN_NS)));
        facts.add(
                fmt(
                        "Avro per question in the benchmark's own clients (question out, answer"
                                + " in; same CPU): %.0f µs",
                        run.serde().clients()));
        facts.add(
                fmt(
                        "workload: %.2f windows per question, %.0f real tokens per window,"
                                + " %.0f%% of the forward pass is padding",
                        (double) base.workload().windows() / base.workload().questions(),
                        (double) base.workload().realTokens() / base.workload().windows(),
                        100.0
                                * (base.workload().paddedTokens() - base.workload().realTokens())
                                / base.workload().paddedTokens()));
        facts.add(
                fmt(
                        "records: answers topic end offsets %,d for %,d answers (the rest are"
                                + " transaction markers); buffer changelog %,d values and %,d"
                                + " tombstones; dead letters %,d; duplicate answers %d",
                        run.answerTopicOffsets(),
                        totalAnswers(run),
                        run.changelog()[0],
                        run.changelog()[1],
                        run.deadLetters(),
                        run.duplicates()));
        if (!burst.cpu().text().isEmpty()) {
            facts.add(
                    "CPU during the burst: "
                            + burst.cpu().text()
                            + " (thread names cut at 15 characters; PyTorch's native workers"
                            + " carry the name of the thread that started them, so"
                            + " `bench-answerer-` is the stream thread with its model threads)");
        }
        for (String fact : facts) {
            md.append("- ").append(fact).append('\n');
        }
        md.append('\n');

        md.append("### Latency split (ms: p50 / p99)\n\n");
        md.append(
                "| load | submitted → answeredAt (queue + model) | answeredAt → received"
                        + " (commit + fetch) | submitted → received |\n|---|---:|---:|---:|\n");
        md.append(split("burst", burst));
        if (run.paced() != null) {
            md.append(split(fmt("paced %.0f/s", run.paced().offeredRate()), run.paced()));
            double batchMillis = 1e3 * o.batchSize() / base.predictor().perSecond();
            double bound = 2 * batchMillis + o.commitIntervalMs();
            double p99 = LoadPhase.percentile(run.paced().latency(), 99);
            md.append(
                    fmt(
                            "\nPaced p99 %,.0f ms against the bound 2 x batch compute (%d questions"
                                    + " ÷ QaPredictor answers/s = %,.0f ms) + commit.interval.ms"
                                    + " %d = %,.0f ms: **%s**.\n",
                            p99,
                            o.batchSize(),
                            batchMillis,
                            o.commitIntervalMs(),
                            bound,
                            p99 <= bound ? "met" : "missed"));
        }
        return md.toString();
    }

    private static long totalAnswers(Run run) {
        // warm-up answers are on the topic too; the caller counts them in options.warmup()
        return run.options().warmup()
                + run.burst().answered()
                + (run.paced() == null ? 0 : run.paced().answered());
    }

    private static String part(String name, double micros, double total) {
        return fmt("| %s | %,.0f | %.0f%% |\n", name, micros, 100 * micros / total);
    }

    private static String split(String load, LoadPhase.Result phase) {
        return fmt(
                "| %s | %,.0f / %,.0f | %,.0f / %,.0f | %,.0f / %,.0f |\n",
                load,
                LoadPhase.percentile(phase.toAnswered(), 50),
                LoadPhase.percentile(phase.toAnswered(), 99),
                LoadPhase.percentile(phase.toVisible(), 50),
                LoadPhase.percentile(phase.toVisible(), 99),
                LoadPhase.percentile(phase.latency(), 50),
                LoadPhase.percentile(phase.latency(), 99));
    }

    /** Writes the report to {@code out} and appends its rows to {@code results-all.md} beside. */
    static void write(Run run, Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(out, markdown(run), StandardCharsets.UTF_8);
        Path all = dir.resolve("results-all.md");
        if (!Files.exists(all)) {
            Files.writeString(all, HEADER, StandardCharsets.UTF_8);
        }
        Files.writeString(all, rows(run), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
