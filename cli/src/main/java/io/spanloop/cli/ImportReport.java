package io.spanloop.cli;

import io.spanloop.qa.SquadDataset;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What the SQuAD reader skipped or corrected, as {@code spanloop import} reports it.
 *
 * @param problems the reader's lines, each naming the question
 * @param skipped lines that drop a question (or a paragraph)
 * @param corrected lines that repair an answer offset
 */
record ImportReport(List<String> problems, int skipped, int corrected) {

    static ImportReport of(SquadDataset data) {
        // SquadReader ends the line of a question (or paragraph) it drops with "skipped"
        // and the line of an answer offset it repaired with "corrected"
        int skipped = (int) data.problems().stream().filter(p -> p.endsWith("skipped")).count();
        int corrected = (int) data.problems().stream().filter(p -> p.endsWith("corrected")).count();
        return new ImportReport(data.problems(), skipped, corrected);
    }

    void printProblems(Path file, PrintStream err) {
        if (problems.isEmpty()) {
            return;
        }
        err.printf(
                "problems in %s (skipped: %d, offsets corrected: %d):%n", file, skipped, corrected);
        for (String problem : problems) {
            err.println("  " + problem);
        }
    }

    void printSummary(
            PrintStream out,
            Path file,
            int questions,
            String questionsTopic,
            int corrections,
            String feedbackTopic) {
        out.printf(
                "imported %s: %d questions to %s%s; skipped: %d, offsets corrected: %d%n",
                file,
                questions,
                questionsTopic,
                corrections < 0 ? "" : ", " + corrections + " corrections to " + feedbackTopic,
                skipped,
                corrected);
    }
}
