package io.spanloop.demo.learning;

/**
 * When the unattended demo has learned enough: the newest version answers the facts the base model
 * never saw at {@code unseenExactMatch} or better, and has not lost more than {@code
 * knownTolerance} EM points on the facts the base model knew.
 *
 * @param unseenExactMatch EM on the new facts to reach
 * @param knownTolerance EM points the known facts may drop
 */
public record LearningTarget(double unseenExactMatch, double knownTolerance) {

    /** The demo's target (new facts from <= 20% to >= 80% EM, the known ones kept). */
    public static final LearningTarget DEMO = new LearningTarget(80.0, 2.0);

    boolean reachedBy(LearningTable table) {
        if (table.rows().size() < 2) {
            return false;
        }
        LearningTable.Row base = table.first();
        LearningTable.Row last = table.last();
        return last.scores().unseen().exactMatch() >= unseenExactMatch
                && last.scores().known().exactMatch()
                        >= base.scores().known().exactMatch() - knownTolerance;
    }
}
