package io.spanloop.answerer.bench;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.QaPredictor;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The two model-only baselines, at the answerer's batch size and on the calling thread: the pure
 * forward pass ({@link ForwardReplay}) and {@code QaPredictor.answer} (tokenisation, windows,
 * forward pass, span decoding: the call the answerer makes per batch). Each is the fastest of
 * {@code rounds} passes over all questions after a warm-up, so the ratio is never flattered by a
 * slow baseline.
 */
final class ModelBaselines {

    /**
     * Questions answered in {@code nanos} of model time (best pass; {@code slowest} pass), and the
     * least CPU time this JVM used for one pass.
     */
    record Throughput(int questions, long nanos, long slowestNanos, double cpuSeconds) {
        double cpuMillisPerQuestion() {
            return cpuSeconds * 1e3 / questions;
        }

        double perSecond() {
            return questions / (nanos / 1e9);
        }

        double slowestPerSecond() {
            return questions / (slowestNanos / 1e9);
        }

        double microsPerQuestion() {
            return nanos / 1e3 / questions;
        }
    }

    /** Both baselines, the workload they ran and where the CPU went meanwhile. */
    record Result(
            Throughput forward,
            Throughput predictor,
            ForwardReplay.Workload workload,
            CpuAccounting.Usage cpu) {}

    private ModelBaselines() {}

    static Result measure(
            ModelDirectory directory,
            QaModelOptions options,
            List<QaInput> warmup,
            List<QaInput> questions,
            int batchSize,
            int rounds)
            throws IOException {
        CpuAccounting cpuBefore = CpuAccounting.snapshot();
        long start = System.nanoTime();
        Throughput forward;
        ForwardReplay.Workload workload;
        try (ForwardReplay replay = ForwardReplay.load(directory, options)) {
            int maxWindows = options.maxWindowsPerForward();
            List<ForwardReplay.PaddedBatch> timed =
                    replay.prepare(questions, batchSize, maxWindows);
            replay.run(replay.prepare(warmup, batchSize, maxWindows));
            long best = Long.MAX_VALUE;
            long slowest = 0;
            double cpu = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                CpuAccounting passStart = CpuAccounting.snapshot();
                long nanos = replay.run(timed);
                cpu = Math.min(cpu, CpuAccounting.snapshot().jvmCpuSecondsSince(passStart));
                log("forward-only", questions.size(), nanos);
                best = Math.min(best, nanos);
                slowest = Math.max(slowest, nanos);
            }
            forward = new Throughput(questions.size(), best, slowest, cpu);
            workload = ForwardReplay.describe(questions.size(), timed);
        }
        Throughput predictor;
        try (DjlQaModel model = DjlQaModel.load(directory, options);
                QaPredictor answerer = model.newPredictor()) {
            answerAll(answerer, warmup, batchSize);
            long best = Long.MAX_VALUE;
            long slowest = 0;
            double cpu = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                CpuAccounting passStart = CpuAccounting.snapshot();
                long nanos = answerAll(answerer, questions, batchSize);
                cpu = Math.min(cpu, CpuAccounting.snapshot().jvmCpuSecondsSince(passStart));
                log("QaPredictor", questions.size(), nanos);
                best = Math.min(best, nanos);
                slowest = Math.max(slowest, nanos);
            }
            predictor = new Throughput(questions.size(), best, slowest, cpu);
        }
        CpuAccounting.Usage cpu =
                CpuAccounting.snapshot().since(cpuBefore, (System.nanoTime() - start) / 1e9, 3);
        return new Result(forward, predictor, workload, cpu);
    }

    private static void log(String what, int questions, long nanos) {
        System.out.printf(
                Locale.ROOT,
                "[bench]   %s pass: %.0f answers/s%n",
                what,
                questions / (nanos / 1e9));
    }

    private static long answerAll(QaPredictor predictor, List<QaInput> inputs, int batchSize) {
        long total = 0;
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<QaInput> batch = inputs.subList(from, Math.min(from + batchSize, inputs.size()));
            long start = System.nanoTime();
            predictor.answer(batch);
            total += System.nanoTime() - start;
        }
        return total;
    }
}
