package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.events.EvalMetrics;
import io.spanloop.events.ModelStatus;
import io.spanloop.events.ModelVersion;
import io.spanloop.events.SliceMetrics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events kept in metadata.json read back, also those written before a field was added. */
class EventJsonTest {

    private static ModelVersion event(List<SliceMetrics> slices) {
        return ModelVersion.newBuilder()
                .setModelName("m")
                .setVersion(3)
                .setParentVersion(2L)
                .setUri("file:/store/m/3/")
                .setSha256("ab")
                .setStatus(ModelStatus.PUBLISHED)
                .setMetrics(new EvalMetrics(90.0, 91.0, 80.0, 81.0, 20))
                .setTrainingExamples(100)
                .setEpochs(2)
                .setDevice("cpu")
                .setTrainingSeconds(12.5)
                .setCreatedAt(Instant.parse("2026-12-01T10:00:00Z"))
                .setSlices(slices)
                .build();
    }

    @Test
    void shouldRoundTripAnEventWithItsSlices() {
        ModelVersion event =
                event(
                        List.of(
                                new SliceMetrics(
                                        "file:known",
                                        new EvalMetrics(93.0, 93.5, 92.0, 92.5, 200),
                                        91.9,
                                        true)));

        assertThat(EventJson.read(EventJson.write(event))).isEqualTo(event);
    }

    @Test
    void shouldReadAnEventWrittenBeforeSlicesExisted() {
        // Given: the JSON an earlier retrainer wrote (no slices field)
        String old = EventJson.write(event(List.of())).replace(",\"slices\":[]", "");
        assertThat(old).doesNotContain("slices");

        // Then
        assertThat(EventJson.read(old)).isEqualTo(event(List.of()));
    }
}
