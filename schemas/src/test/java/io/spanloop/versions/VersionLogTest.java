package io.spanloop.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.VersionAction;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionLogTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static ModelVersion trained(long version, long incumbent, ModelStatus status) {
        return ModelVersion.newBuilder()
                .setModelName("m")
                .setVersion(version)
                .setParentVersion(incumbent)
                .setIncumbentVersion(incumbent)
                .setUri(status == ModelStatus.PUBLISHED ? "file:/store/m/" + version : "")
                .setSha256(status == ModelStatus.PUBLISHED ? "ab" + version : "")
                .setStatus(status)
                .setReason(status == ModelStatus.REJECTED ? "worse" : null)
                .setMetrics(new EvalMetrics(80.0 + version, 85.0, 70.0, 75.0, 20))
                .setTrainingExamples(10)
                .setEpochs(2)
                .setDevice("cpu")
                .setTrainingSeconds(1.0)
                .setCreatedAt(NOW.plusSeconds(version))
                .build();
    }

    @Test
    void shouldServeTheNewestPassingCandidate() {
        VersionLog log =
                VersionLog.of(
                        "m",
                        List.of(
                                trained(2, 1, ModelStatus.PUBLISHED),
                                trained(3, 2, ModelStatus.REJECTED),
                                trained(4, 2, ModelStatus.PUBLISHED)));

        assertThat(log.served()).get().extracting(VersionLog.Served::version).isEqualTo(4L);
        assertThat(log.served().get().why()).isEqualTo(VersionLog.Why.NEWEST_PASSING);
        assertThat(log.servedMostRecentFirst())
                .extracting(VersionLog.Served::version)
                .containsExactly(4L, 2L);
        assertThat(log.baseVersion()).hasValue(1);
    }

    @Test
    void shouldServeAPromotedVersionAndHoldACandidateGatedAgainstTheOldOne() {
        VersionLog log =
                VersionLog.of(
                        "m",
                        List.of(
                                trained(2, 1, ModelStatus.PUBLISHED),
                                trained(3, 2, ModelStatus.PUBLISHED)));
        // v2 promoted while v4 trains against v3
        assertThat(log.add(VersionActions.promote(log, 2, "alice", "v3 is bad", NOW))).isTrue();

        boolean changed = log.add(trained(4, 3, ModelStatus.PUBLISHED));

        assertThat(changed).isFalse();
        assertThat(log.served().get().version()).isEqualTo(2);
        assertThat(log.served().get().describe()).contains("promoted by alice");
        // the next candidate, gated against v2, is served again
        assertThat(log.add(trained(5, 2, ModelStatus.PUBLISHED))).isTrue();
        assertThat(log.served().get().version()).isEqualTo(5);
    }

    @Test
    void shouldHoldCandidatesWhilePinnedAndServeAgainAfterUnpin() {
        VersionLog log = VersionLog.of("m", List.of(trained(2, 1, ModelStatus.PUBLISHED)));
        log.add(VersionActions.pin(log, 2, "bob", null, NOW));

        log.add(trained(3, 2, ModelStatus.PUBLISHED));
        assertThat(log.served().get().version()).isEqualTo(2);
        assertThat(log.served().get().why()).isEqualTo(VersionLog.Why.PINNED);
        assertThat(log.holdReason(trained(4, 2, ModelStatus.PUBLISHED)))
                .hasValue("serving is pinned to v2 by bob");

        log.add(VersionActions.unpin(log, "bob", null, NOW));
        assertThat(log.pin()).isEmpty();
        assertThat(log.served().get().version()).isEqualTo(2);
        assertThat(log.served().get().describe()).startsWith("v2 (promoted by bob");
        log.add(trained(4, 2, ModelStatus.PUBLISHED));
        assertThat(log.served().get().version()).isEqualTo(4);
    }

    @Test
    void shouldLetAHeldCandidateAndTheBaseVersionBePromoted() {
        ModelVersion held = trained(3, 1, ModelStatus.REJECTED);
        held.setHeld(true);
        VersionLog log = VersionLog.of("m", List.of(trained(2, 1, ModelStatus.PUBLISHED), held));

        ModelVersion promoteHeld = VersionActions.promote(log, 3, "alice", null, NOW);
        assertThat(promoteHeld.getAction()).isEqualTo(VersionAction.PROMOTED);
        assertThat(promoteHeld.getStatus()).isEqualTo(ModelStatus.PUBLISHED);
        assertThat(promoteHeld.getUri()).isEqualTo(held.getUri());

        ModelVersion base = VersionActions.promote(log, 1, "alice", null, NOW);
        log.add(base);
        assertThat(log.served().get().version()).isEqualTo(1);
        assertThat(log.served().get().event()).isNull();
    }

    @Test
    void shouldRefuseWhatTheLogDoesNotAllow() {
        VersionLog log =
                VersionLog.of(
                        "m",
                        List.of(
                                trained(2, 1, ModelStatus.PUBLISHED),
                                trained(3, 2, ModelStatus.REJECTED)));

        assertThatThrownBy(() -> VersionActions.promote(log, 3, "alice", null, NOW))
                .hasMessageContaining("v3 was REJECTED by the gate (worse)")
                .hasMessageContaining("the base version v1");
        assertThatThrownBy(() -> VersionActions.promote(log, 9, "alice", null, NOW))
                .hasMessageContaining("there is no v9 of m");
        assertThatThrownBy(() -> VersionActions.promote(log, 2, "alice", null, NOW))
                .hasMessageContaining("v2 is already served");
        assertThatThrownBy(() -> VersionActions.unpin(log, "alice", null, NOW))
                .hasMessageContaining("not pinned");
        assertThatThrownBy(() -> VersionActions.pin(log, 2, " ", null, NOW))
                .hasMessageContaining("actor is empty");
    }

    @Test
    void shouldIgnoreOtherModelsAndUnknownActions() {
        VersionLog log = VersionLog.of("m", List.of(trained(2, 1, ModelStatus.PUBLISHED)));
        ModelVersion other = trained(5, 1, ModelStatus.PUBLISHED);
        other.setModelName("other");
        ModelVersion unknown = trained(7, 2, ModelStatus.PUBLISHED);
        unknown.setAction(VersionAction.UNKNOWN);

        assertThat(log.add(other)).isFalse();
        assertThat(log.add(unknown)).isFalse();
        assertThat(log.served().get().version()).isEqualTo(2);
        assertThat(log.events()).hasSize(1);
    }
}
