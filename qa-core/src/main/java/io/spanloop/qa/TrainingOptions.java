package io.spanloop.qa;

import java.util.Objects;

/**
 * How {@link FineTuner} fine-tunes: AdamW with decoupled weight decay (not applied to biases and
 * LayerNorm weights), learning rate warmed up linearly from 0 and then decayed linearly to 0,
 * global gradient-norm clipping. The defaults are the usual ones for BERT-style SQuAD fine-tuning.
 *
 * @param epochs passes over the training windows
 * @param batchSize windows per optimizer step
 * @param learningRate peak learning rate (reached at the end of the warm-up)
 * @param weightDecay decoupled weight decay of AdamW
 * @param warmupFraction share of all steps spent warming up, 0..1
 * @param maxSteps stop after this many optimizer steps (0 = no cap); also the length of the
 *     learning-rate schedule when it is shorter than {@code epochs}
 * @param maxGradNorm clip the global L2 norm of the gradients to this (0 = no clipping)
 * @param seed seeds the shuffling and the engine's random generator (dropout)
 * @param device where training runs
 * @param freezeEmbeddings leave the embedding tables (word, position, token type) as they are
 * @param anchorStrength pull every weight towards its value before the training by this share of
 *     the learning rate per step (decoupled L2-SP, as AdamW decouples weight decay; 0 = off), so
 *     that learning new labels moves the model less far from what it knew
 */
public record TrainingOptions(
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        double warmupFraction,
        int maxSteps,
        double maxGradNorm,
        int seed,
        DeviceSpec device,
        boolean freezeEmbeddings,
        double anchorStrength) {

    /** 2 epochs, batch 16, learning rate 3e-5, weight decay 0.01, 10% warm-up, auto device. */
    public static final TrainingOptions DEFAULTS =
            new TrainingOptions(2, 16, 3e-5, 0.01, 0.1, 0, 1.0, 42, DeviceSpec.AUTO, false, 0.0);

    public TrainingOptions {
        Objects.requireNonNull(device, "device");
        if (epochs <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("epochs and batchSize must be > 0");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
        }
        if (!(weightDecay >= 0) || !(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("weightDecay and maxGradNorm must be >= 0");
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw new IllegalArgumentException(
                    "warmupFraction must be in 0..1, was " + warmupFraction);
        }
        if (!(anchorStrength >= 0) || !Double.isFinite(anchorStrength)) {
            throw new IllegalArgumentException(
                    "anchorStrength must be >= 0, was " + anchorStrength);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, was " + maxSteps);
        }
    }

    public TrainingOptions withEpochs(int epochs) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withBatchSize(int batchSize) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withLearningRate(double learningRate) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withWeightDecay(double weightDecay) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withWarmupFraction(double warmupFraction) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withMaxSteps(int maxSteps) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withMaxGradNorm(double maxGradNorm) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withSeed(int seed) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withDevice(DeviceSpec device) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withFreezeEmbeddings(boolean freezeEmbeddings) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    public TrainingOptions withAnchorStrength(double anchorStrength) {
        return new TrainingOptions(
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupFraction,
                maxSteps,
                maxGradNorm,
                seed,
                device,
                freezeEmbeddings,
                anchorStrength);
    }

    /** Optimizer steps for {@code windows} training windows: all epochs, capped by maxSteps. */
    public int totalSteps(int windows) {
        long perEpoch = (windows + (long) batchSize - 1) / batchSize;
        long total = perEpoch * epochs;
        if (maxSteps > 0) {
            total = Math.min(total, maxSteps);
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /** Warm-up steps of a schedule of {@code totalSteps}. */
    public int warmupSteps(int totalSteps) {
        return (int) Math.round(warmupFraction * totalSteps);
    }
}
