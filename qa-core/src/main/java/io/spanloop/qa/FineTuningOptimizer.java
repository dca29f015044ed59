package io.spanloop.qa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * DJL's {@link AdamW} (decoupled weight decay; the PyTorch engine runs it natively) with what
 * fine-tuning a pretrained model wants: the parameters in {@code noDecay} (biases, LayerNorm
 * weights, by BERT fine-tuning convention) are not decayed, the parameters in {@code frozen} are
 * not updated at all, and with an {@code anchorStrength} above 0 every other weight is pulled
 * towards its value before the training (L2-SP, decoupled as AdamW decouples weight decay: after
 * each step {@code w -= lr * strength * (w - w0)}). DJL's optimizers have one decay for all
 * parameters, so this routes each parameter to one of two AdamWs.
 */
final class FineTuningOptimizer extends Optimizer implements AutoCloseable {

    private final Tracker learningRate;
    private final AdamW decayed;
    private final AdamW undecayed;
    private final Set<String> noDecay;
    private final Set<String> frozen;
    private final float anchorStrength;
    private final NDManager anchors;
    private final Map<String, NDArray> initial = new HashMap<>();
    private final Map<String, Integer> updates = new HashMap<>();

    /**
     * @param anchors holds the weights' starting values (for L2-SP) until {@link #close()}
     */
    FineTuningOptimizer(
            Tracker learningRate,
            float weightDecay,
            Set<String> noDecay,
            Set<String> frozen,
            float anchorStrength,
            NDManager anchors) {
        super(new UnusedSettings());
        this.learningRate = learningRate;
        this.decayed =
                Optimizer.adamW()
                        .optLearningRateTracker(learningRate)
                        .optWeightDecays(weightDecay)
                        .build();
        this.undecayed =
                Optimizer.adamW().optLearningRateTracker(learningRate).optWeightDecays(0f).build();
        this.noDecay = Set.copyOf(noDecay);
        this.frozen = Set.copyOf(frozen);
        this.anchorStrength = anchorStrength;
        this.anchors = anchors;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (frozen.contains(parameterId)) {
            return;
        }
        NDArray start = null;
        if (anchorStrength > 0) {
            start =
                    initial.computeIfAbsent(
                            parameterId,
                            id -> {
                                NDArray copy = weight.duplicate();
                                copy.attach(anchors);
                                return copy;
                            });
        }
        (noDecay.contains(parameterId) ? undecayed : decayed).update(parameterId, weight, grad);
        int step = updates.merge(parameterId, 1, Integer::sum);
        if (start != null) {
            try (NDArray pull = weight.sub(start)) {
                pull.muli(learningRate.getNewValue(step) * anchorStrength);
                weight.subi(pull);
            }
        }
    }

    /** Frees the starting values kept for L2-SP. */
    @Override
    public void close() {
        initial.clear();
        anchors.close();
    }

    /** The wrapper's own optimizer settings are never read: the two AdamWs have theirs. */
    private static final class UnusedSettings extends OptimizerBuilder<UnusedSettings> {
        @Override
        protected UnusedSettings self() {
            return this;
        }
    }
}
