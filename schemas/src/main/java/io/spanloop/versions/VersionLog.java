package io.spanloop.versions;

import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.VersionAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which version of one model is served, folded from its model-version events in topic order — the
 * one rule every reader applies (answerers, retrainer, CLI, labeler), so they agree without asking
 * each other:
 *
 * <ul>
 *   <li>a TRAINED, PUBLISHED candidate is served if serving is not pinned and it was gated against
 *       the version served when it arrives; otherwise it is held (a candidate gated against v4 must
 *       not replace v2 that an operator promoted while it trained);
 *   <li>PROMOTED serves its version; PINNED serves its version and holds every later candidate;
 *       UNPINNED lets passing candidates be served again (the served version stays, as if
 *       promoted);
 *   <li>only versions that passed the gate, and the base version the first candidate was trained
 *       from, can be promoted or pinned.
 * </ul>
 *
 * Not thread-safe.
 */
public final class VersionLog {

    /** Why a version is served. */
    public enum Why {
        /** The newest candidate that passed the gate. */
        NEWEST_PASSING,
        PROMOTED,
        PINNED
    }

    /**
     * The served version.
     *
     * @param version its number
     * @param event its TRAINED event, or {@code null} for the base version (which has none)
     * @param why why it is served
     * @param actor who promoted or pinned it ({@code null} for {@link Why#NEWEST_PASSING})
     * @param since when it became served
     */
    public record Served(long version, ModelVersion event, Why why, String actor, Instant since) {

        /** One line for operators, e.g. {@code v3 (promoted by alice at 2026-12-01T10:00:00Z)}. */
        public String describe() {
            return "v"
                    + version
                    + switch (why) {
                        case NEWEST_PASSING -> " (the newest version that passed the gate)";
                        case PROMOTED -> " (promoted by " + actor + " at " + since + ")";
                        case PINNED -> " (pinned by " + actor + " at " + since + ")";
                    };
        }
    }

    /** Who froze serving, at which version, when. */
    public record Pin(long version, String actor, Instant since) {}

    private final String modelName;
    private final Map<Long, ModelVersion> trained = new LinkedHashMap<>();
    private final List<ModelVersion> events = new ArrayList<>();
    private final List<Served> servedOrder = new ArrayList<>();
    private Served served;
    private Pin pin;
    private Long baseVersion;

    public VersionLog(String modelName) {
        this.modelName = modelName;
    }

    public static VersionLog of(String modelName, List<ModelVersion> eventsInTopicOrder) {
        VersionLog log = new VersionLog(modelName);
        eventsInTopicOrder.forEach(log::add);
        return log;
    }

    public String modelName() {
        return modelName;
    }

    /**
     * Applies the next event of the topic (events of other models and actions this reader does not
     * know are ignored).
     *
     * @return whether the served version changed
     */
    public boolean add(ModelVersion event) {
        if (!event.getModelName().equals(modelName)) {
            return false;
        }
        Served before = served;
        switch (event.getAction()) {
            case TRAINED -> onTrained(event);
            case PROMOTED -> {
                if (servable(event.getVersion())) {
                    serve(event.getVersion(), Why.PROMOTED, event);
                    if (pin != null) {
                        pin = new Pin(event.getVersion(), event.getActor(), event.getCreatedAt());
                    }
                }
            }
            case PINNED -> {
                if (servable(event.getVersion())) {
                    serve(event.getVersion(), Why.PINNED, event);
                    pin = new Pin(event.getVersion(), event.getActor(), event.getCreatedAt());
                }
            }
            case UNPINNED -> {
                pin = null;
                if (served != null && served.why() == Why.PINNED) {
                    // still the operator's choice, no longer frozen
                    served =
                            new Served(
                                    served.version(),
                                    served.event(),
                                    Why.PROMOTED,
                                    served.actor(),
                                    served.since());
                }
            }
            default -> {
                return false;
            }
        }
        events.add(event);
        return before == null
                ? served != null
                : served != null && served.version() != before.version();
    }

    private void onTrained(ModelVersion event) {
        trained.put(event.getVersion(), event);
        if (baseVersion == null && event.getParentVersion() != null) {
            baseVersion = event.getParentVersion();
        }
        if (passed(event) && holdReason(event).isEmpty()) {
            serve(event.getVersion(), Why.NEWEST_PASSING, event);
        }
    }

    /**
     * Why a candidate that passed the gate would not be served if it arrived now: serving is
     * pinned, or it was gated against another version than the served one (a version was promoted
     * while it trained).
     */
    public Optional<String> holdReason(ModelVersion candidate) {
        if (pin != null) {
            return Optional.of("serving is pinned to v" + pin.version() + " by " + pin.actor());
        }
        Long incumbent =
                candidate.getIncumbentVersion() != null
                        ? candidate.getIncumbentVersion()
                        : candidate.getParentVersion();
        if (served != null && (incumbent == null || incumbent != served.version())) {
            return Optional.of(
                    "evaluated against v"
                            + incumbent
                            + ", but "
                            + served.describe()
                            + " is served now");
        }
        return Optional.empty();
    }

    private void serve(long version, Why why, ModelVersion event) {
        String actor = why == Why.NEWEST_PASSING ? null : event.getActor();
        served = new Served(version, trained.get(version), why, actor, event.getCreatedAt());
        servedOrder.removeIf(earlier -> earlier.version() == version);
        servedOrder.add(served);
    }

    private static boolean passed(ModelVersion event) {
        return event.getStatus() == ModelStatus.PUBLISHED || event.getHeld();
    }

    /**
     * Whether {@code version} may be promoted or pinned: it passed the gate, or it is the base
     * version the first candidate was trained from.
     */
    public boolean servable(long version) {
        ModelVersion event = trained.get(version);
        if (event != null) {
            return passed(event);
        }
        return baseVersion != null && baseVersion == version;
    }

    /**
     * The served version; empty while no event decided one (answerers serve their configured
     * model).
     */
    public Optional<Served> served() {
        return Optional.ofNullable(served);
    }

    public Optional<Pin> pin() {
        return Optional.ofNullable(pin);
    }

    /** The TRAINED event of {@code version}, if there is one. */
    public Optional<ModelVersion> trained(long version) {
        return Optional.ofNullable(trained.get(version));
    }

    /** Every TRAINED event, by version. */
    public List<ModelVersion> trainedEvents() {
        return trained.values().stream()
                .sorted((a, b) -> Long.compare(a.getVersion(), b.getVersion()))
                .toList();
    }

    /** Every event applied, in topic order. */
    public List<ModelVersion> events() {
        return List.copyOf(events);
    }

    /**
     * The newest TRAINED event (the one whose feedback offsets the next training continues from).
     */
    public Optional<ModelVersion> lastTrained() {
        ModelVersion last = null;
        for (ModelVersion event : events) {
            if (event.getAction() == VersionAction.TRAINED) {
                last = event;
            }
        }
        return Optional.ofNullable(last);
    }

    /** The base version (no event of its own), once a candidate names it as parent. */
    public OptionalLong baseVersion() {
        return baseVersion == null ? OptionalLong.empty() : OptionalLong.of(baseVersion);
    }

    /**
     * Versions served at some point, the current one first, then the ones before it (most recent
     * first): what an answerer falls back to when the served one does not load.
     */
    public List<Served> servedMostRecentFirst() {
        List<Served> order = new ArrayList<>(servedOrder);
        java.util.Collections.reverse(order);
        return order;
    }
}
