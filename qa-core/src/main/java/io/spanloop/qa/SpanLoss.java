package io.spanloop.qa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The extractive-QA loss: mean of the cross-entropies of the start and the end position over each
 * window's positions. Padding is masked out of the softmax, so it can never be the answer.
 *
 * <p>Labels: one-hot start positions, one-hot end positions (both {@code [batch, length]}), and the
 * attention mask (1 for real tokens); predictions: start and end logits.
 */
final class SpanLoss extends Loss {

    private static final float MASKED = -10_000f;

    SpanLoss() {
        super("SpanLoss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray paddingBias = labels.get(2).sub(1f).mul(-MASKED);
        NDArray start = crossEntropy(predictions.get(0), labels.get(0), paddingBias);
        NDArray end = crossEntropy(predictions.get(1), labels.get(1), paddingBias);
        return start.add(end).div(2f);
    }

    private static NDArray crossEntropy(NDArray logits, NDArray oneHot, NDArray paddingBias) {
        NDArray logProbabilities =
                logits.toType(DataType.FLOAT32, false).add(paddingBias).logSoftmax(1);
        return logProbabilities.mul(oneHot).sum(new int[] {1}).neg().mean();
    }
}
