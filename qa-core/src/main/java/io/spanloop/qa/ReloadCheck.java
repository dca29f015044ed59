package io.spanloop.qa;

import java.util.List;

/**
 * Proves a written version is the model that was written: it is loaded as a fresh {@link
 * DjlQaModel} on the CPU (what any answerer will do), and its start and end logits on probe
 * questions must match the in-memory model's.
 */
final class ReloadCheck {

    /** Absolute and relative tolerance on each logit (the written file holds CPU tensors). */
    static final float TOLERANCE = 1e-3f;

    static final List<QaInput> PROBES =
            List.of(
                    new QaInput(
                            "What is the capital of France?",
                            "The capital of France is Paris, a city on a river."),
                    new QaInput("Who wrote the book?", "The book 📚 was written by a queen."));

    private ReloadCheck() {}

    static void verify(TrainedModel model, ModelDirectory written) {
        try (DjlQaModel loaded =
                DjlQaModel.load(written, QaModelOptions.DEFAULTS.withDevice(DeviceSpec.CPU))) {
            for (QaInput probe : PROBES) {
                List<Window> windows = model.encoder().encode(probe).windows();
                List<WindowLogits> expected = model.logits(windows);
                List<WindowLogits> actual = loaded.logits(windows);
                for (int w = 0; w < windows.size(); w++) {
                    compare(expected.get(w).start(), actual.get(w).start(), written, "start");
                    compare(expected.get(w).end(), actual.get(w).end(), written, "end");
                }
            }
        }
    }

    private static void compare(
            float[] expected, float[] actual, ModelDirectory written, String what) {
        if (expected.length != actual.length) {
            throw new InvalidModelException(
                    written.path()
                            + " gives "
                            + actual.length
                            + " "
                            + what
                            + " logits, expected "
                            + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float allowed = TOLERANCE * (1 + Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                throw new InvalidModelException(
                        written.path()
                                + " does not reproduce the trained model: "
                                + what
                                + " logit "
                                + i
                                + " is "
                                + actual[i]
                                + ", expected "
                                + expected[i]);
            }
        }
    }
}
