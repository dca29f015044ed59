package io.spanloop.bench;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.Precision;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.QaPredictor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two model-only baselines, at the answerer's batch size and parallelism: the pure forward pass
 * ({@link ForwardReplay}) and {@code QaPredictor.answer} (tokenisation, windows, forward pass, span
 * decoding: the call the answerer makes per batch). Each is the fastest of {@code rounds} passes
 * over all questions after a warm-up, the two alternating, so the ratio is never flattered by a
 * slow baseline; the benchmark measures them before and after the end-to-end runs and keeps the
 * faster of each ({@link Result#faster}). A model served in another precision than fp32 gets a
 * third pass in the rotation, its fp32 forward pass, for the speed-up between the two.
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

        /** The faster of two measurements of the same work; the slowest pass of both. */
        Throughput faster(Throughput other) {
            Throughput best = other.nanos < nanos ? other : this;
            return new Throughput(
                    questions,
                    best.nanos,
                    Math.max(slowestNanos, other.slowestNanos),
                    Math.min(cpuSeconds, other.cpuSeconds));
        }
    }

    /**
     * Both baselines, the workload they ran and where the CPU went meanwhile; {@code fp32Forward}
     * is the forward pass in fp32 when the model runs in another precision, else {@code null}.
     */
    record Result(
            Throughput forward,
            Throughput predictor,
            Throughput fp32Forward,
            ForwardReplay.Workload workload,
            CpuAccounting.Usage cpu,
            QaPredictor.StageTimes stages) {

        /**
         * Each baseline's faster measurement of this one and {@code later}'s, the stage times of
         * both, this one's CPU.
         */
        Result faster(Result later) {
            return new Result(
                    forward.faster(later.forward),
                    predictor.faster(later.predictor),
                    fp32Forward == null ? null : fp32Forward.faster(later.fp32Forward),
                    workload,
                    cpu,
                    sum(List.of(stages, later.stages)));
        }
    }

    /** The stage times of several predictors together. */
    static QaPredictor.StageTimes sum(List<QaPredictor.StageTimes> all) {
        return new QaPredictor.StageTimes(
                all.stream().mapToLong(QaPredictor.StageTimes::questions).sum(),
                all.stream().mapToLong(QaPredictor.StageTimes::encodeNanos).sum(),
                all.stream().mapToLong(QaPredictor.StageTimes::forwardNanos).sum(),
                all.stream().mapToLong(QaPredictor.StageTimes::decodeNanos).sum());
    }

    private static QaPredictor.StageTimes stages(List<QaPredictor> predictors) {
        return sum(predictors.stream().map(QaPredictor::stageTimes).toList());
    }

    private ModelBaselines() {}

    /**
     * Measures both baselines with {@code parallelism} threads (the answerer's stream threads),
     * each with its own predictor and its share of the batches, as the answerer's tasks would.
     */
    static Result measure(
            ModelDirectory directory,
            QaModelOptions options,
            List<QaInput> warmup,
            List<QaInput> questions,
            int batchSize,
            int rounds,
            int parallelism)
            throws IOException, InterruptedException {
        CpuAccounting cpuBefore = CpuAccounting.snapshot();
        long start = System.nanoTime();
        AtomicInteger threads = new AtomicInteger();
        // named, so that the CPU report tells them (and their PyTorch workers) apart
        ExecutorService workers =
                Executors.newFixedThreadPool(
                        parallelism,
                        r -> new Thread(r, "bench-model-" + threads.incrementAndGet()));
        boolean compareFp32 = options.precision() != Precision.FP32;
        try (ForwardReplay replay = ForwardReplay.load(directory, options);
                ForwardReplay fp32Replay =
                        compareFp32
                                ? ForwardReplay.load(
                                        directory, options.withPrecision(Precision.FP32))
                                : null;
                DjlQaModel model = DjlQaModel.load(directory, options)) {
            int maxWindows = options.maxWindowsPerForward();
            List<ForwardReplay.PaddedBatch> timed =
                    replay.prepare(questions, batchSize, maxWindows);
            List<ForwardReplay.PaddedBatch> warm = replay.prepare(warmup, batchSize, maxWindows);
            ForwardReplay.Workload workload = ForwardReplay.describe(questions.size(), timed);
            List<QaPredictor> predictors = new ArrayList<>();
            try {
                for (int i = 0; i < parallelism; i++) {
                    predictors.add(model.newPredictor());
                }
                List<List<QaInput>> warmBatches = batches(warmup, batchSize);
                List<List<QaInput>> timedBatches = batches(questions, batchSize);
                pass(workers, parallelism, warm.size(), (from, to) -> replay.run(warm, from, to));
                if (compareFp32) {
                    pass(
                            workers,
                            parallelism,
                            warm.size(),
                            (from, to) -> fp32Replay.run(warm, from, to));
                }
                pass(
                        workers,
                        parallelism,
                        warmBatches.size(),
                        (worker, from, to) ->
                                answer(predictors.get(worker), warmBatches, from, to));
                // alternated, so that a machine that slows down or speeds up meanwhile (a shared
                // VM does) moves both alike, and their difference stays the pre/post-processing
                Passes forward = new Passes("forward-only", questions.size());
                Passes predictor = new Passes("QaPredictor", questions.size());
                Passes fp32Forward = new Passes("forward-only fp32", questions.size());
                QaPredictor.StageTimes before = stages(predictors);
                for (int round = 0; round < rounds; round++) {
                    forward.time(
                            () ->
                                    pass(
                                            workers,
                                            parallelism,
                                            timed.size(),
                                            (from, to) -> replay.run(timed, from, to)));
                    predictor.time(
                            () ->
                                    pass(
                                            workers,
                                            parallelism,
                                            timedBatches.size(),
                                            (worker, from, to) ->
                                                    answer(
                                                            predictors.get(worker),
                                                            timedBatches,
                                                            from,
                                                            to)));
                    if (compareFp32) {
                        fp32Forward.time(
                                () ->
                                        pass(
                                                workers,
                                                parallelism,
                                                timed.size(),
                                                (from, to) -> fp32Replay.run(timed, from, to)));
                    }
                }
                CpuAccounting.Usage cpu =
                        CpuAccounting.snapshot()
                                .since(cpuBefore, (System.nanoTime() - start) / 1e9, 3);
                return new Result(
                        forward.best(),
                        predictor.best(),
                        compareFp32 ? fp32Forward.best() : null,
                        workload,
                        cpu,
                        stages(predictors).since(before));
            } finally {
                predictors.forEach(QaPredictor::close);
            }
        } finally {
            workers.shutdownNow();
            workers.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** A share of the batches, {@code [from, to)}, run by worker {@code worker}. */
    private interface Share {
        void run(int worker, int from, int to);
    }

    /** A share that does not care which worker runs it. */
    private interface AnyShare extends Share {
        void run(int from, int to);

        @Override
        default void run(int worker, int from, int to) {
            run(from, to);
        }
    }

    private interface Pass {
        long run() throws InterruptedException;
    }

    /** The timed passes of one baseline; the fastest counts. */
    private static final class Passes {
        private final String what;
        private final int questions;
        private long best = Long.MAX_VALUE;
        private long slowest;
        private double cpu = Double.MAX_VALUE;

        Passes(String what, int questions) {
            this.what = what;
            this.questions = questions;
        }

        void time(Pass pass) throws InterruptedException {
            CpuAccounting passStart = CpuAccounting.snapshot();
            long nanos = pass.run();
            cpu = Math.min(cpu, CpuAccounting.snapshot().jvmCpuSecondsSince(passStart));
            System.out.printf(
                    Locale.ROOT,
                    "[bench]   %s pass: %.0f answers/s%n",
                    what,
                    questions / (nanos / 1e9));
            best = Math.min(best, nanos);
            slowest = Math.max(slowest, nanos);
        }

        Throughput best() {
            return new Throughput(questions, best, slowest, cpu);
        }
    }

    /**
     * Splits {@code count} batches into {@code parallelism} contiguous shares, runs them at once
     * and returns the wall time until the last one finished.
     */
    private static long pass(ExecutorService workers, int parallelism, int count, AnyShare share)
            throws InterruptedException {
        return pass(workers, parallelism, count, (Share) share);
    }

    private static long pass(ExecutorService workers, int parallelism, int count, Share share)
            throws InterruptedException {
        List<Future<?>> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int worker = 0; worker < parallelism; worker++) {
            int id = worker;
            int from = (int) ((long) count * worker / parallelism);
            int to = (int) ((long) count * (worker + 1) / parallelism);
            running.add(workers.submit(() -> share.run(id, from, to)));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a model-only pass failed", e.getCause());
            }
        }
        return System.nanoTime() - start;
    }

    private static List<List<QaInput>> batches(List<QaInput> inputs, int batchSize) {
        List<List<QaInput>> batches = new ArrayList<>();
        for (int from = 0; from < inputs.size(); from += batchSize) {
            batches.add(inputs.subList(from, Math.min(from + batchSize, inputs.size())));
        }
        return batches;
    }

    private static void answer(
            QaPredictor predictor, List<List<QaInput>> batches, int from, int to) {
        for (List<QaInput> batch : batches.subList(from, to)) {
            predictor.answer(batch);
        }
    }
}
