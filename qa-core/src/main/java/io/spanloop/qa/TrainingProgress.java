package io.spanloop.qa;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * Where a fine-tuning run reports how far it is, a few times a minute: for a log line, a progress
 * bar, or a progress event.
 */
@FunctionalInterface
public interface TrainingProgress {

    /**
     * One report.
     *
     * @param step optimizer steps done
     * @param totalSteps steps the run will take
     * @param epoch the current epoch, from 1
     * @param epochs epochs in all
     * @param loss mean training loss since the previous report
     * @param examplesPerSecond training examples per second since the run began
     * @param elapsed since the run began
     */
    record Report(
            int step,
            int totalSteps,
            int epoch,
            int epochs,
            double loss,
            double examplesPerSecond,
            Duration elapsed) {

        /** The time left at the rate so far. */
        public Duration remaining() {
            if (step == 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos(
                    (long) ((double) elapsed.toNanos() / step * (totalSteps - step)));
        }

        /** {@code step 40/120 (epoch 1/3): loss 2.3141, 35.2 examples/s, ETA 1:12}. */
        @Override
        public String toString() {
            long eta = remaining().toSeconds();
            return String.format(
                    Locale.ROOT,
                    "step %d/%d (epoch %d/%d): loss %.4f, %.1f examples/s, ETA %d:%02d",
                    step,
                    totalSteps,
                    epoch,
                    epochs,
                    loss,
                    examplesPerSecond,
                    eta / 60,
                    eta % 60);
        }
    }

    /** How often a run reports by default (and always after its last step). */
    Duration INTERVAL = Duration.ofSeconds(15);

    void report(Report report);

    /** How often this wants reports (a progress bar wants them often). */
    default Duration interval() {
        return INTERVAL;
    }

    /** Reports as INFO lines of {@code log}. */
    static TrainingProgress logTo(Logger log) {
        return report -> log.info("Training {}", report);
    }
}
