package io.spanloop.demo.pretrain;

import java.nio.file.Path;

/** What {@code spanloop pretrain} does: where it writes, what it starts from, how it trains. */
public final class PretrainOptions {

    private final Path out;
    private final Path init;
    private final Path initScript;
    private final int examples;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final int maxSteps;
    private final long seed;
    private final boolean readingFacts;

    private PretrainOptions(Builder builder) {
        this.out = builder.out;
        this.init = builder.init;
        this.initScript = builder.initScript;
        this.examples = builder.examples;
        this.epochs = builder.epochs;
        this.batchSize = builder.batchSize;
        this.learningRate = builder.learningRate;
        this.maxSteps = builder.maxSteps;
        this.seed = builder.seed;
        this.readingFacts = builder.readingFacts;
    }

    /**
     * The defaults: write demo-model/1 from a fresh model, 128,000 examples with the reading facts,
     * 3 epochs.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The version directory to write (replaced). */
    public Path out() {
        return out;
    }

    /** The version directory to start from; {@code null} for a fresh model by the script. */
    public Path init() {
        return init;
    }

    /** The generator of the fresh random model (needs python3 with torch). */
    public Path initScript() {
        return initScript;
    }

    public int examples() {
        return examples;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Stop after this many optimizer steps; 0 = no limit. */
    public int maxSteps() {
        return maxSteps;
    }

    public long seed() {
        return seed;
    }

    /**
     * Whether half the questions ask about the reading facts (the tiny base, which must learn to
     * read) or all about the known facts (a pretrained encoder, which reads already).
     */
    public boolean readingFacts() {
        return readingFacts;
    }

    /** Builds {@link PretrainOptions}. */
    public static final class Builder {
        private Path out = Path.of("demo-model", "1");
        private Path init;
        private Path initScript = Path.of("qa-core", "src", "test", "python", "make_tiny_model.py");
        private int examples = 128_000;
        private int epochs = 3;
        private int batchSize = 32;
        private double learningRate = 1e-3;
        private int maxSteps;
        private long seed = 1;
        private boolean readingFacts = true;

        private Builder() {}

        public Builder out(Path out) {
            this.out = out;
            return this;
        }

        public Builder init(Path init) {
            this.init = init;
            return this;
        }

        public Builder initScript(Path initScript) {
            this.initScript = initScript;
            return this;
        }

        public Builder examples(int examples) {
            this.examples = examples;
            return this;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder maxSteps(int maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder readingFacts(boolean readingFacts) {
            this.readingFacts = readingFacts;
            return this;
        }

        public PretrainOptions build() {
            return new PretrainOptions(this);
        }
    }
}
