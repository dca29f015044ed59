package io.spanloop.qa;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a labelled example into training windows with the same {@link WindowEncoder} inference
 * uses, so a model learns exactly the layout it is served with. SQuAD convention: the answer's char
 * span becomes the first and last context token it overlaps; a window that holds both gets their
 * positions, every other window (and every window of a "no answer" example) points at position 0,
 * {@code [CLS]}.
 */
final class SpanLabeler {

    private final WindowEncoder encoder;

    SpanLabeler(WindowEncoder encoder) {
        this.encoder = encoder;
    }

    /**
     * All windows of the example, labelled; empty when the answer overlaps no token (e.g. it is
     * only whitespace the tokenizer drops), so it cannot be learned.
     */
    List<LabeledWindow> label(TrainingExample example) {
        EncodedQuestion encoded = encoder.encode(example.input());
        List<LabeledWindow> labeled = new ArrayList<>(encoded.windows().size());
        int[] tokens = example.hasAnswer() ? answerTokens(encoded.context(), example) : null;
        if (example.hasAnswer() && tokens == null) {
            return List.of();
        }
        for (Window window : encoded.windows()) {
            labeled.add(label(window, tokens));
        }
        return labeled;
    }

    private static LabeledWindow label(Window window, int[] tokens) {
        int first = window.firstContextToken();
        int last = first + window.contextLength() - 1;
        if (tokens == null || tokens[0] < first || tokens[1] > last) {
            return new LabeledWindow(window, 0, 0);
        }
        return new LabeledWindow(
                window,
                window.contextOffset() + tokens[0] - first,
                window.contextOffset() + tokens[1] - first);
    }

    /** First and last context token overlapping the answer's chars, or null if none does. */
    static int[] answerTokens(TokenizedText context, TrainingExample example) {
        int from = example.start();
        int to = example.end();
        int first = -1;
        int last = -1;
        for (int t = 0; t < context.size(); t++) {
            if (context.ends()[t] > from && context.starts()[t] < to) {
                if (first < 0) {
                    first = t;
                }
                last = t;
            }
        }
        return first < 0 ? null : new int[] {first, last};
    }
}
