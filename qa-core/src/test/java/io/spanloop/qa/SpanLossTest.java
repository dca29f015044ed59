package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpanLossTest {

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    private static float loss(
            float[] startLogits, float[] endLogits, float[] mask, int start, int end) {
        try (NDManager manager = NDManager.newBaseManager(EngineSettings.ENGINE)) {
            Shape shape = new Shape(1, mask.length);
            float[] startHot = new float[mask.length];
            float[] endHot = new float[mask.length];
            startHot[start] = 1;
            endHot[end] = 1;
            NDList labels =
                    new NDList(
                            manager.create(startHot, shape),
                            manager.create(endHot, shape),
                            manager.create(mask, shape));
            NDList predictions =
                    new NDList(
                            manager.create(startLogits, shape), manager.create(endLogits, shape));
            return new SpanLoss().evaluate(labels, predictions).getFloat();
        }
    }

    @Test
    void shouldAverageStartAndEndCrossEntropy() {
        // uniform logits over 4 positions: each cross-entropy is ln 4
        float[] zeros = {0, 0, 0, 0};
        assertThat(loss(zeros, zeros, new float[] {1, 1, 1, 1}, 1, 2))
                .isCloseTo((float) Math.log(4), within(1e-5f));
        // a confident, correct end halves nothing of the start's ln 4
        float[] sureEnd = {0, 0, 50, 0};
        assertThat(loss(zeros, sureEnd, new float[] {1, 1, 1, 1}, 1, 2))
                .isCloseTo((float) Math.log(4) / 2, within(1e-5f));
    }

    @Test
    void shouldNeverGiveProbabilityToPadding() {
        // the last two positions are padding with huge logits: they must not count
        float[] logits = {0, 0, 100, 100};
        float[] mask = {1, 1, 0, 0};
        assertThat(loss(logits, logits, mask, 1, 1)).isCloseTo((float) Math.log(2), within(1e-5f));
    }
}
