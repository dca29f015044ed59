package io.spanloop.qa;

import java.util.List;

/**
 * What one fine-tuning run did (recorded in a version's {@code metadata.json} and its {@code
 * ModelVersion} event).
 *
 * @param examples labelled examples trained on
 * @param skippedExamples examples left out because their answer covers no token
 * @param windows training windows those examples made (long contexts make several)
 * @param epochs passes over the windows started (the last may be cut short by {@code maxSteps})
 * @param steps optimizer steps taken
 * @param seconds wall-clock training time
 * @param device where it ran: {@code cpu} or {@code gpu:N}
 * @param lossPerEpoch mean training loss of each epoch
 */
public record TrainingSummary(
        int examples,
        int skippedExamples,
        int windows,
        int epochs,
        int steps,
        double seconds,
        String device,
        List<Double> lossPerEpoch) {

    public TrainingSummary {
        lossPerEpoch = List.copyOf(lossPerEpoch);
    }
}
