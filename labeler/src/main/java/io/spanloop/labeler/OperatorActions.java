package io.spanloop.labeler;

import io.spanloop.events.ModelVersion;
import io.spanloop.versions.VersionActions;
import io.spanloop.versions.VersionActions.RefusedActionException;
import io.spanloop.versions.VersionLog;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin's promote, pin and unpin: checked by {@link VersionActions} against the model's log read
 * to the topic's end at that moment, then written to the topic. One action at a time per labeler,
 * so two admins of one labeler never both act on the same stale view.
 */
final class OperatorActions {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorActions.class);

    enum Kind {
        PROMOTE,
        PIN,
        UNPIN
    }

    /** The event written, where, and what the log says now. */
    record Done(ModelVersion event, RecordMetadata written, VersionLog log) {}

    private final VersionLogs logs;
    private final VersionEventWriter writer;
    private final Duration timeout;
    private final Clock clock;

    OperatorActions(VersionLogs logs, VersionEventWriter writer, Duration timeout, Clock clock) {
        this.logs = logs;
        this.writer = writer;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Applies {@code kind} to {@code version} (ignored for unpin) of {@code modelName} as {@code
     * actor}.
     *
     * @throws ApiException 404 for a model without events, 422 for a version that cannot be served
     *     (rejected by the gate, unknown), 409 for an action the current state refuses (already
     *     served, already pinned, not pinned), 503 when the topic could not be read or written
     */
    synchronized Done apply(Kind kind, String modelName, long version, String actor, String note) {
        if (!logs.awaitCaughtUp(timeout)) {
            throw new ApiException(
                    503,
                    "could not read "
                            + logs.topic()
                            + " to its end within "
                            + timeout.toSeconds()
                            + " s, so the action cannot be checked; nothing was written, try"
                            + " again");
        }
        if (!logs.knows(modelName)) {
            throw new ApiException(
                    404,
                    "no model '" + modelName + "' on " + logs.topic() + " (no event names it)");
        }
        VersionLog log = logs.log(modelName);
        ModelVersion event;
        try {
            event =
                    switch (kind) {
                        case PROMOTE ->
                                VersionActions.promote(log, version, actor, note, clock.instant());
                        case PIN -> VersionActions.pin(log, version, actor, note, clock.instant());
                        case UNPIN -> VersionActions.unpin(log, actor, note, clock.instant());
                    };
        } catch (RefusedActionException e) {
            boolean unservable = kind != Kind.UNPIN && !log.servable(version);
            throw new ApiException(unservable ? 422 : 409, e.getMessage());
        }
        RecordMetadata written = writer.write(event);
        LOG.info(
                "{} {} {} v{} -> {}-{}@{}",
                actor,
                event.getAction(),
                modelName,
                event.getVersion(),
                written.topic(),
                written.partition(),
                written.offset());
        // so that the admin's next look at the versions shows the event
        logs.awaitCaughtUp(timeout);
        return new Done(event, written, logs.log(modelName));
    }
}
