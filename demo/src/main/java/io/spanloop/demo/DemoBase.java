package io.spanloop.demo;

import io.spanloop.demo.pretrain.MiniLmBase;
import io.spanloop.local.Console;
import io.spanloop.local.ProgressBar;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.TrainingProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What version 1 of the demo's model is: the real pretrained transformer (all-MiniLM-L6-v2 from
 * Maven Central, fine-tuned on the known facts on the first run; the default), the committed tiny
 * model (fast, for tests and small machines), or a version directory the user brings.
 *
 * @param kind which of the three
 * @param directory the version directory of a tiny or given base; {@code null} for MiniLM
 */
public record DemoBase(Kind kind, Path directory) {

    /** The kinds of base. */
    public enum Kind {
        /** all-MiniLM-L6-v2 with a QA head trained on the known facts. */
        MINILM,
        /** The committed 0.4 M-parameter model pre-trained by {@code spanloop pretrain}. */
        TINY,
        /** A version directory the user brings (trained like a pretrained model). */
        GIVEN
    }

    public DemoBase {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.MINILM) != (directory == null)) {
            throw new IllegalArgumentException("only a tiny or given base has a directory");
        }
    }

    public static DemoBase miniLm() {
        return new DemoBase(Kind.MINILM, null);
    }

    public static DemoBase tiny(Path directory) {
        return new DemoBase(Kind.TINY, directory);
    }

    public static DemoBase given(Path directory) {
        return new DemoBase(Kind.GIVEN, directory);
    }

    /** Whether it is a pretrained transformer (not the tiny model), which trains differently. */
    public boolean pretrained() {
        return kind != Kind.TINY;
    }

    /**
     * The version directory of version 1; for MiniLM built under {@code <data>/base-models} the
     * first time, with a progress bar.
     */
    public ModelDirectory prepare(Path dataDir) {
        if (kind != Kind.MINILM) {
            return ModelDirectory.open(directory);
        }
        Path cache = dataDir.resolve("base-models");
        if (!cache.resolve(MiniLmBase.MODEL_NAME).resolve("1").toFile().isDirectory()) {
            Console.say(
                    "Building the demo's base model (first run only, a few minutes): the pretrained"
                            + " all-MiniLM-L6-v2 from Maven Central with a question-answering head"
                            + " fine-tuned on generated articles about the known facts");
        }
        return MiniLmBase.ensure(cache, System.out, bytes -> {}, new TrainingBar());
    }

    /** The fine-tuning as a progress bar with its ETA. */
    private static final class TrainingBar implements TrainingProgress {
        private ProgressBar bar;

        @Override
        public void report(Report report) {
            if (bar == null) {
                bar =
                        new ProgressBar(
                                System.out, report.totalSteps(), "steps", System.console() != null);
            }
            long eta = report.remaining().toSeconds();
            String detail =
                    String.format(
                            Locale.ROOT,
                            "loss %.3f, %.0f examples/s, ETA %d:%02d",
                            report.loss(),
                            report.examplesPerSecond(),
                            eta / 60,
                            eta % 60);
            if (report.step() == report.totalSteps()) {
                bar.finish(report.step(), detail);
            } else {
                bar.update(report.step(), detail);
            }
        }

        @Override
        public Duration interval() {
            return Duration.ofSeconds(1);
        }
    }
}
