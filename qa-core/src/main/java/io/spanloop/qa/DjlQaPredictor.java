package io.spanloop.qa;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes a batch into windows, runs them in forward passes of similar length ({@link
 * ForwardPlan}), decodes spans (and, with a scorer, scores every context token from the same
 * logits).
 */
final class DjlQaPredictor implements QaPredictor {

    private final WindowEncoder encoder;
    private final SpanDecoder decoder;
    private final TokenScorer scorer;
    private final Predictor<List<Window>, List<WindowLogits>> predictor;
    private final int maxWindowsPerForward;
    private long questions;
    private long encodeNanos;
    private long forwardNanos;
    private long decodeNanos;

    DjlQaPredictor(
            WindowEncoder encoder,
            SpanDecoder decoder,
            TokenScorer scorer,
            Predictor<List<Window>, List<WindowLogits>> predictor,
            int maxWindowsPerForward) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.scorer = scorer;
        this.predictor = predictor;
        this.maxWindowsPerForward = maxWindowsPerForward;
    }

    @Override
    public List<QaResult> answer(List<QaInput> batch) {
        long start = System.nanoTime();
        List<EncodedQuestion> encoded = new ArrayList<>(batch.size());
        List<Window> windows = new ArrayList<>();
        for (QaInput input : batch) {
            EncodedQuestion question = encoder.encode(input);
            encoded.add(question);
            windows.addAll(question.windows());
        }
        long encodedAt = System.nanoTime();
        List<WindowLogits> logits = forward(windows);
        long forwardedAt = System.nanoTime();
        List<QaResult> results = new ArrayList<>(batch.size());
        int next = 0;
        for (EncodedQuestion question : encoded) {
            int count = question.windows().size();
            List<WindowLogits> own = logits.subList(next, next + count);
            QaResult result = decoder.decode(question, own);
            results.add(
                    scorer == null ? result : result.withTokenScores(scorer.score(question, own)));
            next += count;
        }
        questions += batch.size();
        encodeNanos += encodedAt - start;
        forwardNanos += forwardedAt - encodedAt;
        decodeNanos += System.nanoTime() - forwardedAt;
        return results;
    }

    @Override
    public StageTimes stageTimes() {
        return new StageTimes(questions, encodeNanos, forwardNanos, decodeNanos);
    }

    private List<WindowLogits> forward(List<Window> windows) {
        int[] lengths = windows.stream().mapToInt(Window::length).toArray();
        WindowLogits[] logits = new WindowLogits[windows.size()];
        for (int[] pass : ForwardPlan.passes(lengths, maxWindowsPerForward)) {
            List<Window> chunk = new ArrayList<>(pass.length);
            for (int index : pass) {
                chunk.add(windows.get(index));
            }
            List<WindowLogits> out;
            try {
                out = predictor.predict(chunk);
            } catch (TranslateException | RuntimeException e) {
                throw new QaInferenceException(
                        "forward pass over " + chunk.size() + " window(s) failed: " + e, e);
            }
            for (int i = 0; i < pass.length; i++) {
                logits[pass[i]] = out.get(i);
            }
        }
        return Arrays.asList(logits);
    }

    @Override
    public void close() {
        predictor.close();
    }
}
