package io.spanloop.versions;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.VersionAction;
import java.time.Instant;
import java.util.List;

/**
 * The operator's events: promote, pin and unpin, checked against what the {@link VersionLog} says
 * now. An event copies its version's TRAINED event (uri, sha256, metrics) with status PUBLISHED, so
 * consumers that predate actions read an already known version.
 */
public final class VersionActions {

    /** An action the log does not allow, with a message for the operator. */
    public static final class RefusedActionException extends RuntimeException {
        public RefusedActionException(String message) {
            super(message);
        }
    }

    private VersionActions() {}

    /**
     * Makes {@code version} the served one; the next candidate is trained from and gated against
     * it.
     */
    public static ModelVersion promote(
            VersionLog log, long version, String actor, String note, Instant now) {
        requireServable(log, version, "promoted");
        log.served()
                .filter(served -> served.version() == version)
                .ifPresent(
                        served -> {
                            throw new RefusedActionException(
                                    "v" + version + " is already served: " + served.describe());
                        });
        return event(log, version, VersionAction.PROMOTED, actor, note, now);
    }

    /** Serves {@code version} and holds every later candidate until {@link #unpin}. */
    public static ModelVersion pin(
            VersionLog log, long version, String actor, String note, Instant now) {
        requireServable(log, version, "pinned");
        log.pin()
                .filter(pin -> pin.version() == version)
                .ifPresent(
                        pin -> {
                            throw new RefusedActionException(
                                    "serving is already pinned to v"
                                            + version
                                            + " (by "
                                            + pin.actor()
                                            + " at "
                                            + pin.since()
                                            + ")");
                        });
        return event(log, version, VersionAction.PINNED, actor, note, now);
    }

    /** Lets candidates that pass the gate be served again; the served version stays. */
    public static ModelVersion unpin(VersionLog log, String actor, String note, Instant now) {
        VersionLog.Pin pin =
                log.pin()
                        .orElseThrow(
                                () ->
                                        new RefusedActionException(
                                                "serving of "
                                                        + log.modelName()
                                                        + " is not pinned"));
        return event(log, pin.version(), VersionAction.UNPINNED, actor, note, now);
    }

    private static void requireServable(VersionLog log, long version, String verb) {
        if (log.servable(version)) {
            return;
        }
        String why =
                log.trained(version)
                        .map(
                                event ->
                                        "v"
                                                + version
                                                + " was REJECTED by the gate ("
                                                + event.getReason()
                                                + ")")
                        .orElse(
                                "there is no v"
                                        + version
                                        + " of "
                                        + log.modelName()
                                        + " on the model-versions topic");
        throw new RefusedActionException(
                why
                        + "; only versions that passed the gate"
                        + log.baseVersion().stream()
                                .mapToObj(base -> " and the base version v" + base)
                                .findFirst()
                                .orElse("")
                        + " can be "
                        + verb);
    }

    private static ModelVersion event(
            VersionLog log,
            long version,
            VersionAction action,
            String actor,
            String note,
            Instant now) {
        if (actor == null || actor.isBlank()) {
            throw new RefusedActionException("say who you are: the actor is empty");
        }
        ModelVersion.Builder event =
                log.trained(version)
                        .map(ModelVersion::newBuilder)
                        .orElseGet(() -> baseVersionEvent(log.modelName(), version));
        return event.setAction(action)
                .setStatus(ModelStatus.PUBLISHED)
                .setHeld(false)
                .setActor(actor)
                .setReason(note == null || note.isBlank() ? null : note)
                .setCreatedAt(now)
                .build();
    }

    /**
     * The base version has no TRAINED event: its event names it by number only, and readers open it
     * from their own model store.
     */
    private static ModelVersion.Builder baseVersionEvent(String modelName, long version) {
        return ModelVersion.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .setUri("")
                .setSha256("")
                .setMetrics(new EvalMetrics(0.0, 0.0, null, null, 0))
                .setTrainingExamples(0)
                .setEpochs(0)
                .setDevice("")
                .setTrainingSeconds(0.0)
                .setFeedbackOffsets(List.of());
    }
}
