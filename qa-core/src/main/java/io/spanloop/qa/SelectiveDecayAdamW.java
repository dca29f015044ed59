package io.spanloop.qa;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Set;

/**
 * DJL's {@link AdamW} (decoupled weight decay; the PyTorch engine runs it natively), except that
 * the parameters named in {@code noDecay} (biases, LayerNorm weights: by BERT fine-tuning
 * convention) are not decayed. DJL's optimizers have one decay for all parameters, so this routes
 * each parameter to one of two.
 */
final class SelectiveDecayAdamW extends Optimizer {

    private final AdamW decayed;
    private final AdamW undecayed;
    private final Set<String> noDecay;

    SelectiveDecayAdamW(ParameterTracker learningRate, float weightDecay, Set<String> noDecay) {
        super(new UnusedSettings());
        this.decayed =
                Optimizer.adamW()
                        .optLearningRateTracker(learningRate)
                        .optWeightDecays(weightDecay)
                        .build();
        this.undecayed =
                Optimizer.adamW().optLearningRateTracker(learningRate).optWeightDecays(0f).build();
        this.noDecay = Set.copyOf(noDecay);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        (noDecay.contains(parameterId) ? undecayed : decayed).update(parameterId, weight, grad);
    }

    /** The wrapper's own optimizer settings are never read: the two AdamWs have theirs. */
    private static final class UnusedSettings extends OptimizerBuilder<UnusedSettings> {
        @Override
        protected UnusedSettings self() {
            return this;
        }
    }
}
