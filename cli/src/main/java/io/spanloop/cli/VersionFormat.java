package io.spanloop.cli;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.SliceMetrics;
import io.spanloop.events.VersionAction;
import io.spanloop.versions.VersionLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Model versions as {@code spanloop versions} prints them: a header, then one line each, followed
 * by one indented line per evaluation slice.
 */
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
                        status(version),
                        version.getParentVersion() == null ? "-" : version.getParentVersion(),
                        emF1(metrics.getCandidateExactMatch(), metrics.getCandidateF1()),
                        emF1(metrics.getIncumbentExactMatch(), metrics.getIncumbentF1()),
                        metrics.getEvalSize(),
                        version.getTrainingExamples(),
                        String.format(Locale.ROOT, "%.1f", version.getTrainingSeconds()),
                        version.getDevice(),
                        time(version.getCreatedAt()),
                        reason(version))
                .stripTrailing();
    }

    /** PUBLISHED, REJECTED or HELD for a trained version; the operator's action otherwise. */
    static String status(ModelVersion version) {
        if (version.getAction() != VersionAction.TRAINED) {
            return version.getAction().toString();
        }
        return version.getHeld() ? "HELD" : version.getStatus().toString();
    }

    private static String reason(ModelVersion version) {
        String note = version.getReason() == null ? "" : version.getReason();
        if (version.getAction() != VersionAction.TRAINED) {
            return "by " + version.getActor() + (note.isEmpty() ? "" : ": " + note);
        }
        return version.getStatus() == ModelStatus.REJECTED ? note : "";
    }

    /**
     * {@code served: demo v3 (promoted by alice at 2026-12-01T10:00:00Z)}, with the pin if there is
     * one; before any version passed the gate, the base version.
     */
    static String served(VersionLog log) {
        String served =
                log.served()
                        .map(VersionLog.Served::describe)
                        .orElseGet(
                                () ->
                                        log.baseVersion().isPresent()
                                                ? "v"
                                                        + log.baseVersion().getAsLong()
                                                        + " (the base version: no candidate"
                                                        + " passed the gate yet)"
                                                : "the answerers' configured model");
        return "served: "
                + log.modelName()
                + " "
                + served
                + log.pin()
                        .map(
                                pin ->
                                        "; pinned: candidates are held until"
                                                + " `spanloop versions unpin`")
                        .orElse("");
    }

    /** The version's line, then a line per evaluation slice. */
    static List<String> lines(ModelVersion version) {
        List<String> lines = new ArrayList<>();
        lines.add(line(version));
        for (SliceMetrics slice : version.getSlices()) {
            lines.add(slice(slice));
        }
        return lines;
    }

    /**
     * {@code slice file:demo-known cand EM/F1 93.0/93.4 incb EM/F1 92.5/93.0 eval 200 v1-ref EM
     * 91.9}; a slice too small to gate says so.
     */
    static String slice(SliceMetrics slice) {
        EvalMetrics metrics = slice.getMetrics();
        return String.format(
                        Locale.ROOT,
                        "  slice %-24s cand EM/F1 %-11s  incb EM/F1 %-11s  eval %5d  %s%s",
                        slice.getSlice(),
                        emF1(metrics.getCandidateExactMatch(), metrics.getCandidateF1()),
                        emF1(metrics.getIncumbentExactMatch(), metrics.getIncumbentF1()),
                        metrics.getEvalSize(),
                        slice.getReferenceExactMatch() == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "reference EM %.1f  ",
                                        slice.getReferenceExactMatch()),
                        slice.getGated() ? "" : "(too small to gate)")
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
