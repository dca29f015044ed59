package io.spanloop.cli;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Model versions as {@code spanloop versions} prints them: a header, then one line each. */
final class VersionFormat {

    private static final String COLUMNS =
            "%-14s %7s  %-9s  %6s  %-11s  %-11s  %5s  %8s  %8s  %-7s  %-20s  %s";

    static final String HEADER =
            String.format(
                            Locale.ROOT,
                            COLUMNS,
                            "MODEL",
                            "VERSION",
                            "STATUS",
                            "PARENT",
                            "CAND EM/F1",
                            "INCB EM/F1",
                            "EVAL",
                            "EXAMPLES",
                            "SECONDS",
                            "DEVICE",
                            "CREATED (UTC)",
                            "REASON")
                    .stripTrailing();

    private VersionFormat() {}

    /**
     * One version: model, version, status, parent, candidate and incumbent exact match / F1 on the
     * held-out examples, their number, training examples, training seconds, device, creation time
     * and, for a rejected version, why.
     */
    static String line(ModelVersion version) {
        EvalMetrics metrics = version.getMetrics();
        return String.format(
                        Locale.ROOT,
                        COLUMNS,
                        version.getModelName(),
                        version.getVersion(),
                        version.getStatus(),
                        version.getParentVersion() == null ? "-" : version.getParentVersion(),
                        emF1(metrics.getCandidateExactMatch(), metrics.getCandidateF1()),
                        emF1(metrics.getIncumbentExactMatch(), metrics.getIncumbentF1()),
                        metrics.getEvalSize(),
                        version.getTrainingExamples(),
                        String.format(Locale.ROOT, "%.1f", version.getTrainingSeconds()),
                        version.getDevice(),
                        time(version.getCreatedAt()),
                        version.getStatus() == ModelStatus.REJECTED && version.getReason() != null
                                ? version.getReason()
                                : "")
                .stripTrailing();
    }

    private static String emF1(Double exactMatch, Double f1) {
        return exactMatch == null || f1 == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f/%.1f", exactMatch, f1);
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
