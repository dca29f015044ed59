package io.spanloop.demo;

import io.spanloop.local.StackSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code spanloop demo} runs: the stack, the labeler's port and login, the model, the loop.
 */
public final class DemoOptions {

    /**
     * Whether and how a simulated annotator runs the loop unattended.
     *
     * @param enabled run the simulated annotator
     * @param labels how many answers it reviews at most
     * @param labelsPerSecond how fast
     * @param timeout when it gives up
     * @param lockstep label as many answers as a training needs, then wait for that training's
     *     version before labelling more, so that every version learns from the same labels on every
     *     run (else labelling goes on while the retrainer trains)
     */
    public record AutoLabel(
            boolean enabled,
            int labels,
            double labelsPerSecond,
            Duration timeout,
            boolean lockstep) {

        /** Off; people review in the labeler. */
        public static final AutoLabel OFF =
                new AutoLabel(false, 500, 3, Duration.ofMinutes(10), true);

        /** On, with the given budget, in lockstep with the trainings. */
        public static AutoLabel of(int labels, double labelsPerSecond, Duration timeout) {
            return new AutoLabel(true, labels, labelsPerSecond, timeout, true);
        }

        /** The same, labelling on while the retrainer trains. */
        public AutoLabel overlapping() {
            return new AutoLabel(enabled, labels, labelsPerSecond, timeout, false);
        }
    }

    /**
     * Where each service serves its Prometheus metrics ({@code http://127.0.0.1:<port>/metrics});
     * -1: none.
     */
    public record MetricsPorts(int answerer, int labeler, int retrainer) {

        /** The services' own defaults: 9401, 9402, 9403. */
        public static final MetricsPorts DEFAULT = startingAt(9401);

        /** No metrics endpoints. */
        public static final MetricsPorts OFF = new MetricsPorts(-1, -1, -1);

        /**
         * The answerer on {@code first}, the labeler on the next port, the retrainer on the one
         * after.
         */
        public static MetricsPorts startingAt(int first) {
            return new MetricsPorts(first, first + 1, first + 2);
        }

        public boolean enabled() {
            return answerer > 0;
        }
    }

    private final StackSettings stack;
    private final int labelerPort;
    private final MetricsPorts metricsPorts;
    private final String annotator;
    private final DemoBase base;
    private final boolean reset;
    private final boolean once;
    private final AutoLabel autoLabel;

    private DemoOptions(Builder builder) {
        this.stack = Objects.requireNonNull(builder.stack, "stack");
        this.labelerPort = builder.labelerPort;
        this.metricsPorts = builder.metricsPorts;
        this.annotator = builder.annotator;
        int colon = annotator.indexOf(':');
        if (colon <= 0 || colon == annotator.length() - 1) {
            throw new IllegalArgumentException(
                    "the annotator login is NAME:TOKEN, not '" + annotator + "'");
        }
        this.base = Objects.requireNonNull(builder.base, "base");
        this.reset = builder.reset;
        this.once = builder.once;
        this.autoLabel = builder.autoLabel;
    }

    /**
     * Options with the defaults: labeler on 8080, metrics on 9401-9403, login demo:demo, people
     * review.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Broker, registry and data directory. */
    public StackSettings stack() {
        return stack;
    }

    public int labelerPort() {
        return labelerPort;
    }

    public String labelerUrl() {
        return "http://127.0.0.1:" + labelerPort + "/";
    }

    public MetricsPorts metricsPorts() {
        return metricsPorts;
    }

    /** The labeler login, {@code name:token}. */
    public String annotator() {
        return annotator;
    }

    public String annotatorName() {
        return annotator.substring(0, annotator.indexOf(':'));
    }

    public String annotatorToken() {
        return annotator.substring(annotator.indexOf(':') + 1);
    }

    /** What version 1 of the model is. */
    public DemoBase base() {
        return base;
    }

    /** Delete the data directory first. */
    public boolean reset() {
        return reset;
    }

    /** Stop after the demo instead of running until Ctrl-C (for scripts and tests). */
    public boolean once() {
        return once;
    }

    public AutoLabel autoLabel() {
        return autoLabel;
    }

    /** Builds {@link DemoOptions}; the stack is required, the base is MiniLM unless set. */
    public static final class Builder {
        private StackSettings stack;
        private int labelerPort = 8080;
        private MetricsPorts metricsPorts = MetricsPorts.DEFAULT;
        private String annotator = "demo:demo";
        private DemoBase base = DemoBase.miniLm();
        private boolean reset;
        private boolean once;
        private AutoLabel autoLabel = AutoLabel.OFF;

        private Builder() {}

        public Builder stack(StackSettings stack) {
            this.stack = stack;
            return this;
        }

        public Builder labelerPort(int port) {
            this.labelerPort = port;
            return this;
        }

        public Builder metricsPorts(MetricsPorts ports) {
            this.metricsPorts = ports;
            return this;
        }

        public Builder annotator(String nameAndToken) {
            this.annotator = nameAndToken;
            return this;
        }

        public Builder base(DemoBase base) {
            this.base = base;
            return this;
        }

        public Builder reset(boolean reset) {
            this.reset = reset;
            return this;
        }

        public Builder once(boolean once) {
            this.once = once;
            return this;
        }

        public Builder autoLabel(AutoLabel autoLabel) {
            this.autoLabel = autoLabel;
            return this;
        }

        public DemoOptions build() {
            return new DemoOptions(this);
        }
    }
}
