package io.spanloop.demo.study;

import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.TrainingOptions;
import java.util.List;

/**
 * The training policies {@link ForgettingStudy} compares for a base: a starting policy (seed replay
 * from the parent) and one change each: no, more or less seed replay, every round from version 1,
 * L2-SP towards the round's starting weights, frozen embeddings, and for the tiny model a gentler
 * schedule. The replay variant has three times as much replay for MiniLM (its demo default) and
 * less for the tiny model (6x, its demo default before it forgot).
 */
public final class StudyVariants {

    /** L2-SP's pull per step at the peak learning rate: 2% of the way back to the start. */
    static final double ANCHOR_PULL = 0.02;

    private StudyVariants() {}

    public static List<ForgettingStudy.Variant> forBase(boolean pretrained) {
        TrainingOptions options =
                TrainingOptions.DEFAULTS
                        .withBatchSize(16)
                        .withEpochs(pretrained ? 2 : 10)
                        .withLearningRate(pretrained ? 5e-5 : 1e-3)
                        .withDevice(DeviceSpec.CPU);
        // the starting policy each variant changes one thing of: for MiniLM the cheaper 1x
        // (its 3x variant is the demo's default), for the tiny model the demo's 20x (its
        // variant with less replay is the 6x it had before)
        double seed = pretrained ? 1.0 : 20.0;
        double moreOrLess = pretrained ? seed * 3 : 6.0;
        double anchor = ANCHOR_PULL / options.learningRate();
        List<ForgettingStudy.Variant> variants =
                new java.util.ArrayList<>(
                        List.of(
                                new ForgettingStudy.Variant(
                                        (int) seed + "x seed, from parent", options, seed, false),
                                new ForgettingStudy.Variant("no seed replay", options, 0.0, false),
                                new ForgettingStudy.Variant(
                                        (int) moreOrLess + "x seed replay",
                                        options,
                                        moreOrLess,
                                        false),
                                new ForgettingStudy.Variant(
                                        "from v1 on all labels", options, seed, true),
                                new ForgettingStudy.Variant(
                                        "L2-SP (pull 2%/step)",
                                        options.withAnchorStrength(anchor), seed, false),
                                new ForgettingStudy.Variant(
                                        "frozen embeddings",
                                        options.withFreezeEmbeddings(true),
                                        seed,
                                        false)));
        if (!pretrained) {
            variants.add(
                    new ForgettingStudy.Variant(
                            "5 epochs at 5e-4",
                            options.withEpochs(5).withLearningRate(5e-4),
                            seed,
                            false));
        }
        return variants;
    }
}
