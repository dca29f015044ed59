package io.spanloop.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProbabilityBytesTest {

    @Test
    void shouldKeepEachProbabilityWithinHalfAStepInOneByte() {
        float[] probabilities = {0f, 1f, 0.5f, 0.0019f, 0.002f, 0.999f, 0.3333f};

        ByteBuffer bytes = ProbabilityBytes.encode(probabilities);

        assertThat(bytes.remaining()).isEqualTo(probabilities.length);
        double[] decoded = ProbabilityBytes.decode(bytes);
        assertThat(decoded[0]).isEqualTo(0.0);
        assertThat(decoded[1]).isEqualTo(1.0);
        assertThat(decoded[3]).as("below half a step").isEqualTo(0.0);
        assertThat(decoded[4]).as("above half a step").isEqualTo(1 / 255.0);
        for (int i = 0; i < probabilities.length; i++) {
            assertThat(decoded[i]).isCloseTo(probabilities[i], within(1 / 510.0 + 1e-6));
        }
        assertThat(bytes.remaining()).as("decoding leaves the buffer as it was").isEqualTo(7);
    }

    @Test
    void shouldClampValuesOutsideZeroToOne() {
        double[] decoded =
                ProbabilityBytes.decode(ProbabilityBytes.encode(new float[] {-0.1f, 1.5f}));
        assertThat(decoded).containsExactly(0.0, 1.0);
    }
}
