package io.spanloop.labeler;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.TrainingProgress;
import io.spanloop.events.VersionAction;
import io.spanloop.versions.VersionLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** The JSON shapes of the Models page's API: versions, the live training, answers per version. */
final class ModelViews {

    private ModelViews() {}

    /** Every model on the model-versions topic; {@code loading} until it was read to its end. */
    record Models(boolean loading, boolean admin, List<Model> models) {}

    /**
     * One model: its versions (newest first, the base version last), which one is served and why,
     * the pin, and every admin's action in topic order.
     */
    record Model(
            String modelName,
            Served served,
            Pin pin,
            List<Version> versions,
            List<Action> actions) {

        static Model of(VersionLog log) {
            Long servedVersion = log.served().map(VersionLog.Served::version).orElse(null);
            List<Action> actions =
                    log.events().stream()
                            .filter(e -> e.getAction() != VersionAction.TRAINED)
                            .map(Action::of)
                            .toList();
            List<Version> versions = new ArrayList<>();
            for (ModelVersion event : log.trainedEvents()) {
                versions.add(Version.trained(event, log, servedVersion, actions));
            }
            OptionalLong base = log.baseVersion();
            if (base.isPresent() && log.trained(base.getAsLong()).isEmpty()) {
                versions.add(Version.base(base.getAsLong(), servedVersion, actions));
            }
            versions.sort(Comparator.comparingLong(Version::version).reversed());
            return new Model(
                    log.modelName(),
                    log.served().map(Served::of).orElse(null),
                    log.pin().map(Pin::of).orElse(null),
                    versions,
                    actions);
        }
    }

    /** The served version; {@code why} is NEWEST_PASSING, PROMOTED or PINNED. */
    record Served(long version, String why, String actor, String since, String description) {
        static Served of(VersionLog.Served served) {
            return new Served(
                    served.version(),
                    served.why().name(),
                    served.actor(),
                    served.since().toString(),
                    served.describe());
        }
    }

    record Pin(long version, String actor, String since) {
        static Pin of(VersionLog.Pin pin) {
            return new Pin(pin.version(), pin.actor(), pin.since().toString());
        }
    }

    /** An admin's promote, pin or unpin. */
    record Action(String action, long version, String actor, String at, String note) {
        static Action of(ModelVersion event) {
            return new Action(
                    event.getAction().name(),
                    event.getVersion(),
                    event.getActor(),
                    event.getCreatedAt().toString(),
                    event.getReason());
        }
    }

    /**
     * One version. {@code status}: PUBLISHED, REJECTED, HELD (passed the gate but not served:
     * pinned, or gated against another version than the served one) or BASE (the version the first
     * candidate was trained from; no training event). Metrics are the gate's, candidate against
     * incumbent on the same held-out examples; {@code actions} are the admins' on this version.
     */
    record Version(
            long version,
            String status,
            boolean served,
            boolean servable,
            Long parentVersion,
            Long incumbentVersion,
            Double candidateExactMatch,
            Double candidateF1,
            Double incumbentExactMatch,
            Double incumbentF1,
            int evalSize,
            int trainingExamples,
            int epochs,
            double trainingSeconds,
            String device,
            String createdAt,
            String reason,
            List<Views.SliceView> slices,
            List<Action> actions) {

        static Version trained(
                ModelVersion event, VersionLog log, Long served, List<Action> allActions) {
            EvalMetrics metrics = event.getMetrics();
            String status =
                    event.getStatus() == ModelStatus.REJECTED && event.getHeld()
                            ? "HELD"
                            : event.getStatus().name();
            return new Version(
                    event.getVersion(),
                    status,
                    served != null && served == event.getVersion(),
                    log.servable(event.getVersion()),
                    event.getParentVersion(),
                    event.getIncumbentVersion() != null
                            ? event.getIncumbentVersion()
                            : event.getParentVersion(),
                    metrics.getCandidateExactMatch(),
                    metrics.getCandidateF1(),
                    metrics.getIncumbentExactMatch(),
                    metrics.getIncumbentF1(),
                    metrics.getEvalSize(),
                    event.getTrainingExamples(),
                    event.getEpochs(),
                    event.getTrainingSeconds(),
                    event.getDevice(),
                    event.getCreatedAt().toString(),
                    event.getReason(),
                    event.getSlices().stream()
                            .map(
                                    s ->
                                            Views.SliceView.of(
                                                    s.getSlice(),
                                                    s.getMetrics(),
                                                    s.getReferenceExactMatch(),
                                                    s.getGated()))
                            .toList(),
                    on(event.getVersion(), allActions));
        }

        static Version base(long version, Long served, List<Action> allActions) {
            return new Version(
                    version,
                    "BASE",
                    served != null && served == version,
                    true,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    0,
                    0,
                    0.0,
                    null,
                    null,
                    "the version the first candidate was trained from",
                    List.of(),
                    on(version, allActions));
        }

        private static List<Action> on(long version, List<Action> actions) {
            return actions.stream().filter(a -> a.version() == version).toList();
        }
    }

    /** What an admin's promote, pin or unpin wrote, and the model's state after it. */
    record ActionDone(
            String action,
            String modelName,
            long version,
            String actor,
            String note,
            int partition,
            long offset,
            Served served,
            Pin pin) {
        static ActionDone of(OperatorActions.Done done) {
            ModelVersion event = done.event();
            return new ActionDone(
                    event.getAction().name(),
                    event.getModelName(),
                    event.getVersion(),
                    event.getActor(),
                    event.getReason(),
                    done.written().partition(),
                    done.written().offset(),
                    done.log().served().map(Served::of).orElse(null),
                    done.log().pin().map(Pin::of).orElse(null));
        }
    }

    /** The latest training run of each model. */
    record Runs(List<Run> runs) {}

    /**
     * A training run as the retrainer last reported it; {@code secondsSinceUpdate} by the labeler's
     * clock (a RUNNING run that stays silent long is a stopped retrainer).
     */
    record Run(
            String modelName,
            long version,
            long parentVersion,
            String state,
            int labels,
            int newLabels,
            int trainingExamples,
            int evalExamples,
            int epoch,
            int epochs,
            int step,
            int totalSteps,
            Double loss,
            Double examplesPerSecond,
            Long etaSeconds,
            String startedAt,
            String updatedAt,
            long secondsSinceUpdate) {
        static Run of(TrainingProgress report, Instant now) {
            return new Run(
                    report.getModelName(),
                    report.getVersion(),
                    report.getParentVersion(),
                    report.getState().name(),
                    report.getLabels(),
                    report.getNewLabels(),
                    report.getTrainingExamples(),
                    report.getEvalExamples(),
                    report.getEpoch(),
                    report.getEpochs(),
                    report.getStep(),
                    report.getTotalSteps(),
                    report.getLoss(),
                    report.getExamplesPerSecond(),
                    report.getEtaSeconds(),
                    report.getStartedAt().toString(),
                    report.getUpdatedAt().toString(),
                    Math.max(0, Duration.between(report.getUpdatedAt(), now).toSeconds()));
        }
    }

    /**
     * Answers per model version in each of the last {@code minutes} minutes ({@code minuteStarts},
     * oldest first, the current minute last).
     */
    record AnswerRates(int minutes, List<String> minuteStarts, List<VersionCounts> versions) {}

    /** One model version's answers per minute, aligned with {@code minuteStarts}. */
    record VersionCounts(String modelName, long version, List<Long> counts, long total) {}
}
