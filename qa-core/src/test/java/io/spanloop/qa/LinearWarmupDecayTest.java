package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LinearWarmupDecayTest {

    @Test
    void shouldRiseToThePeakThenFallToNearZero() {
        LinearWarmupDecay schedule = new LinearWarmupDecay(1f, 4, 12);
        assertThat(schedule.getNewValue(1)).isCloseTo(0.25f, within(1e-6f));
        assertThat(schedule.getNewValue(4)).isCloseTo(1f, within(1e-6f));
        assertThat(schedule.getNewValue(5)).isCloseTo(1f, within(1e-6f));
        assertThat(schedule.getNewValue(6)).isCloseTo(7f / 8, within(1e-6f));
        assertThat(schedule.getNewValue(12)).isCloseTo(1f / 8, within(1e-6f));
        assertThat(schedule.getNewValue(20)).isPositive();
    }

    @Test
    void shouldDecayFromTheFirstStepWithoutWarmUp() {
        LinearWarmupDecay schedule = new LinearWarmupDecay(2f, 0, 4);
        assertThat(schedule.getNewValue(1)).isCloseTo(2f, within(1e-6f));
        assertThat(schedule.getNewValue(4)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldCountStepsOfAllEpochsCappedByMaxSteps() {
        TrainingOptions options = TrainingOptions.DEFAULTS.withEpochs(3).withBatchSize(8);
        assertThat(options.totalSteps(17)).isEqualTo(9);
        assertThat(options.withMaxSteps(5).totalSteps(17)).isEqualTo(5);
        assertThat(options.warmupSteps(9)).isEqualTo(1);
    }
}
