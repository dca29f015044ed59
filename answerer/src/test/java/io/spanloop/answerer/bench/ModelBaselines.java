package io.spanloop.answerer.bench;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.QaInput;
import io.spanloop.qa.QaModelOptions;
import io.spanloop.qa.QaPredictor;
import java.io.IOException;
import java.util.List;

/**
 * The two model-only baselines, at the answerer's batch size and on the calling thread: the pure
 * forward pass ({@link ForwardReplay}) and {@code QaPredictor.answer} (tokenisation, windows,
 * forward pass, span decoding: the call the answerer makes per batch).
 */
final class ModelBaselines {

    /** Questions answered in {@code nanos} of model time. */
    record Throughput(int questions, long nanos) {
        double perSecond() {
            return questions / (nanos / 1e9);
        }

        double microsPerQuestion() {
            return nanos / 1e3 / questions;
        }
    }

    /** Both baselines and the workload they ran. */
    record Result(Throughput forward, Throughput predictor, ForwardReplay.Workload workload) {}

    private ModelBaselines() {}

    static Result measure(
            ModelDirectory directory,
            QaModelOptions options,
            List<QaInput> warmup,
            List<QaInput> questions,
            int batchSize)
            throws IOException {
        Throughput forward;
        ForwardReplay.Workload workload;
        try (ForwardReplay replay = ForwardReplay.load(directory, options)) {
            int maxWindows = options.maxWindowsPerForward();
            List<ForwardReplay.PaddedBatch> timed =
                    replay.prepare(questions, batchSize, maxWindows);
            replay.run(replay.prepare(warmup, batchSize, maxWindows));
            forward = new Throughput(questions.size(), replay.run(timed));
            workload = ForwardReplay.describe(questions.size(), timed);
        }
        Throughput predictor;
        try (DjlQaModel model = DjlQaModel.load(directory, options);
                QaPredictor answerer = model.newPredictor()) {
            answerAll(answerer, warmup, batchSize);
            predictor = new Throughput(questions.size(), answerAll(answerer, questions, batchSize));
        }
        return new Result(forward, predictor, workload);
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
