package io.spanloop.qa;

import ai.djl.training.tracker.Tracker;

/**
 * Learning rate rising linearly to its peak over the warm-up steps, then falling linearly to zero
 * after the last step (the schedule of BERT's SQuAD fine-tuning). Steps count from 1, as DJL's
 * optimizers count updates; the first step after the warm-up gets the peak, and no step gets 0.
 */
final class LinearWarmupDecay implements Tracker {

    private final float peak;
    private final int warmupSteps;
    private final int totalSteps;

    LinearWarmupDecay(float peak, int warmupSteps, int totalSteps) {
        if (totalSteps <= 0 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(
                    "warm-up " + warmupSteps + " of " + totalSteps + " steps");
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    @Override
    public float getNewValue(int step) {
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        int left = Math.max(totalSteps - step + 1, 1);
        return peak * left / Math.max(totalSteps - warmupSteps, 1);
    }
}
