package io.spanloop.demo.learning;

/**
 * When the unattended demo has learned enough: the newest version answers the facts the base model
 * never saw at {@code unseenExactMatch} or better, has not lost more than {@code knownTolerance} EM
 * points on the facts the base model knew, and answers the held-out paraphrases at {@code
 * paraphraseExactMatch} or better.
 *
 * @param unseenExactMatch EM on the new facts to reach
 * @param knownTolerance EM points the known facts may drop
 * @param paraphraseExactMatch EM on paraphrased questions to reach (0: no bar)
 */
public record LearningTarget(
        double unseenExactMatch, double knownTolerance, double paraphraseExactMatch) {

    /**
     * The tiny base's target: new facts from <= 20% to >= 85% EM, the known ones within a point.
     */
    public static final LearningTarget TINY = new LearningTarget(85.0, 1.0, 0.0);

    /**
     * A pretrained base's target: new facts to >= 90% EM, the known ones within a point, and the
     * held-out paraphrases at >= 70% (a pretrained encoder should generalise to new wordings).
     */
    public static final LearningTarget PRETRAINED = new LearningTarget(90.0, 1.0, 70.0);

    boolean reachedBy(LearningTable table) {
        if (table.rows().size() < 2) {
            return false;
        }
        LearningTable.Row base = table.first();
        LearningTable.Row last = table.last();
        return last.scores().unseen().exactMatch() >= unseenExactMatch
                && last.scores().known().exactMatch()
                        >= base.scores().known().exactMatch() - knownTolerance
                && last.scores().paraphrases().exactMatch() >= paraphraseExactMatch;
    }

    /** The target in words, e.g. for the console. */
    String describe() {
        return String.format(
                        java.util.Locale.ROOT,
                        "new facts EM >= %.0f, known facts at most %.0f below the base model's",
                        unseenExactMatch,
                        knownTolerance)
                + (paraphraseExactMatch > 0
                        ? String.format(
                                java.util.Locale.ROOT,
                                ", paraphrases EM >= %.0f",
                                paraphraseExactMatch)
                        : "");
    }
}
