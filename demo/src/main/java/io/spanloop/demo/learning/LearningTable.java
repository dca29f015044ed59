package io.spanloop.demo.learning;

import io.spanloop.demo.domain.DemoEvaluation;
import io.spanloop.qa.EvalScores;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning table of the unattended demo: one row per model version, printed as it is added. A
 * REJECTED version is never served, so its row keeps the scores of the version still serving.
 */
public final class LearningTable {

    /**
     * One row.
     *
     * @param version the model version
     * @param status BASE, PUBLISHED or REJECTED
     * @param labels the corrections it was trained from
     * @param scores its scores on the held-out questions (the serving version's for a rejected one)
     * @param elapsed since auto-labelling began
     * @param note what the retrainer said (examples and training time, or why it refused)
     */
    public record Row(
            long version,
            String status,
            long labels,
            DemoEvaluation.Scores scores,
            Duration elapsed,
            String note) {

        boolean rejected() {
            return status.equals(REJECTED);
        }
    }

    static final String BASE = "BASE";
    static final String PUBLISHED = "PUBLISHED";
    static final String REJECTED = "REJECTED";

    private final PrintStream out;
    private final long begin = System.nanoTime();
    private final List<Row> rows = new ArrayList<>();

    LearningTable(PrintStream out) {
        this.out = out;
    }

    void printHeader() {
        out.printf(
                "%n  %-8s %-10s %6s   %-17s %-17s %-17s %6s%n",
                "version",
                "status",
                "labels",
                "new facts EM/F1",
                "known facts EM/F1",
                "paraphrases EM/F1",
                "time");
    }

    /** Adds and prints a row of a version that was scored. */
    void add(long version, String status, long labels, DemoEvaluation.Scores scores, String note) {
        print(
                append(
                        new Row(
                                version,
                                status,
                                labels,
                                scores,
                                Duration.ofNanos(System.nanoTime() - begin),
                                note)));
    }

    /** Adds and prints the row of a rejected version (scored as the serving one). */
    void addRejected(long version, long labels, String reason) {
        add(version, REJECTED, labels, last().scores(), reason);
    }

    private Row append(Row row) {
        rows.add(row);
        return row;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    Row first() {
        return rows.get(0);
    }

    Row last() {
        return rows.get(rows.size() - 1);
    }

    private void print(Row row) {
        String scores =
                row.rejected()
                        ? "(not served)"
                        : String.format(
                                Locale.ROOT,
                                "%-17s %-17s %-17s",
                                pair(row.scores().unseen()),
                                pair(row.scores().known()),
                                pair(row.scores().paraphrases()));
        long seconds = row.elapsed().toSeconds();
        out.printf(
                Locale.ROOT,
                "  v%-7d %-10s %6d   %s %3d:%02d  %s%n",
                row.version(),
                row.status(),
                row.labels(),
                scores,
                seconds / 60,
                seconds % 60,
                row.note());
        out.flush();
    }

    private static String pair(EvalScores scores) {
        return String.format(Locale.ROOT, "%5.1f / %5.1f", scores.exactMatch(), scores.f1());
    }
}
