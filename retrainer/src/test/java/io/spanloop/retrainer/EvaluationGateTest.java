package io.spanloop.retrainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.events.SliceMetrics;
import io.spanloop.qa.EvalScores;
import io.spanloop.qa.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The gate's rules on given scores: overall F1, slices against the incumbent and the reference. */
class EvaluationGateTest {

    private final EvaluationGate gate = new EvaluationGate(1.0, 1.0, 50);

    private static EvalSlice slice(String name, int size, boolean regression) {
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            examples.add(TrainingExample.answered(name + i, "q?", "a b", 0, 1));
        }
        return new EvalSlice(name, examples, Map.of(), regression);
    }

    private static Function<EvalSlice, EvalScores> scores(Map<String, Double> exactMatch) {
        return slice -> {
            double em = exactMatch.get(slice.name());
            return new EvalScores(em, em, slice.size());
        };
    }

    private final EvalSlice labels = slice("labels", 20, false);
    private final EvalSlice known = slice("file:known", 200, true);
    private final EvalSlice recent = slice("labels@v3", 12, false);

    @Test
    void shouldPassACandidateWithinEveryTolerance() {
        EvaluationGate.Verdict verdict =
                gate.judge(
                        labels,
                        List.of(known, recent),
                        scores(Map.of("labels", 80.0, "file:known", 92.5, "labels@v3", 50.0)),
                        scores(Map.of("labels", 80.5, "file:known", 93.0, "labels@v3", 75.0)),
                        Map.of("file:known", 93.4),
                        1);

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.overall().getEvalSize()).isEqualTo(20);
        assertThat(verdict.slices())
                .extracting(SliceMetrics::getSlice, SliceMetrics::getGated)
                .containsExactly(tuple("file:known", true), tuple("labels@v3", false));
        assertThat(verdict.slices().get(0).getReferenceExactMatch()).isEqualTo(93.4);
    }

    @Test
    void shouldRejectACandidateThatForgetsAGatedSliceAndSayWhich() {
        EvaluationGate.Verdict verdict =
                gate.judge(
                        labels,
                        List.of(known),
                        scores(Map.of("labels", 95.0, "file:known", 88.0)),
                        scores(Map.of("labels", 80.0, "file:known", 93.0)),
                        Map.of(),
                        1);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.rejection())
                .isEqualTo(
                        "slice file:known (200 examples): candidate EM 88.0 is more than 1.0"
                                + " below the incumbent's 93.0");
    }

    @Test
    void shouldHoldARegressionSliceAgainstTheReferenceSoDropsCannotAddUp() {
        // the incumbent already lost 0.9 against version 1; the candidate loses 0.9 more
        EvaluationGate.Verdict verdict =
                gate.judge(
                        labels,
                        List.of(known),
                        scores(Map.of("labels", 90.0, "file:known", 92.2)),
                        scores(Map.of("labels", 90.0, "file:known", 93.1)),
                        Map.of("file:known", 94.0),
                        1);

        assertThat(verdict.rejection())
                .isEqualTo(
                        "slice file:known (200 examples): candidate EM 92.2 is more than 1.0"
                                + " below version 1's 94.0");
    }

    @Test
    void shouldKeepTheOverallRuleAndNotGateASmallSlice() {
        EvaluationGate.Verdict small =
                gate.judge(
                        labels,
                        List.of(recent),
                        scores(Map.of("labels", 80.0, "labels@v3", 0.0)),
                        scores(Map.of("labels", 80.0, "labels@v3", 100.0)),
                        Map.of(),
                        1);
        EvaluationGate.Verdict worse =
                gate.judge(
                        labels,
                        List.of(),
                        scores(Map.of("labels", 70.0)),
                        scores(Map.of("labels", 80.0)),
                        Map.of(),
                        1);

        assertThat(small.passed()).isTrue();
        assertThat(worse.rejection())
                .isEqualTo("candidate F1 70.0 is more than 1.0 below the incumbent's 80.0");
    }

    @Test
    void shouldSliceHeldOutLabelsByTheTrainingThatFirstCoveredThem() {
        List<EvaluationSlices.HeldOut> heldOut =
                List.of(
                        heldOut("a", 0, 3),
                        heldOut("b", 1, 9),
                        heldOut("c", 0, 12),
                        heldOut("d", 0, 40));
        List<ModelVersion> events = List.of(event(3, 20, 30), event(2, 10, 5));

        List<EvalSlice> slices = EvaluationSlices.byVersion(heldOut, events);

        assertThat(slices)
                .extracting(EvalSlice::name, EvalSlice::size)
                .containsExactly(
                        tuple("labels@v2", 1), tuple("labels@v3", 2), tuple("labels@new", 1));
    }

    @Test
    void shouldSliceHeldOutLabelsByAQuestionAttribute() {
        List<EvaluationSlices.HeldOut> heldOut =
                List.of(
                        heldOut("a", Map.of("topic", "billing", "source", "web")),
                        heldOut("b", Map.of("topic", "shipping")),
                        heldOut("c", Map.of("topic", "billing")),
                        heldOut("d", Map.of("source", "web")));

        List<EvalSlice> slices = EvaluationSlices.byAttribute(heldOut, "topic");

        assertThat(slices)
                .extracting(EvalSlice::name, EvalSlice::size, EvalSlice::regression)
                .containsExactly(
                        tuple("labels[topic=billing]", 2, false),
                        tuple("labels[topic=shipping]", 1, false));
        assertThat(slices.get(0).golds()).containsOnlyKeys("a", "c");
        assertThat(EvaluationSlices.byAttribute(heldOut, "missing")).isEmpty();
    }

    @Test
    void shouldRejectACandidateThatForgetsOneAttributeSliceWhileTheWholeImproves() {
        List<EvaluationSlices.HeldOut> heldOut = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            heldOut.add(heldOut("billing-" + i, Map.of("topic", "billing")));
            heldOut.add(heldOut("shipping-" + i, Map.of("topic", "shipping")));
        }
        List<EvalSlice> slices = EvaluationSlices.byAttribute(heldOut, "topic");

        EvaluationGate.Verdict verdict =
                gate.judge(
                        labels,
                        slices,
                        scores(
                                Map.of(
                                        "labels", 85.0,
                                        "labels[topic=billing]", 98.0,
                                        "labels[topic=shipping]", 72.0)),
                        scores(
                                Map.of(
                                        "labels", 80.0,
                                        "labels[topic=billing]", 80.0,
                                        "labels[topic=shipping]", 80.0)),
                        Map.of(),
                        1);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.rejection())
                .isEqualTo(
                        "slice labels[topic=shipping] (60 examples): candidate EM 72.0 is more"
                                + " than 1.0 below the incumbent's 80.0");
    }

    private static EvaluationSlices.HeldOut heldOut(String id, int partition, long offset) {
        return new EvaluationSlices.HeldOut(
                TrainingExample.answered(id, "q?", "a b", 0, 1), Map.of(), partition, offset);
    }

    private static EvaluationSlices.HeldOut heldOut(String id, Map<String, String> attributes) {
        return new EvaluationSlices.HeldOut(
                TrainingExample.answered(id, "q?", "a b", 0, 1), attributes, 0, 0);
    }

    private static ModelVersion event(long version, long partition0, long partition1) {
        return ModelVersion.newBuilder()
                .setModelName("m")
                .setVersion(version)
                .setUri("")
                .setSha256("")
                .setStatus(io.spanloop.events.ModelStatus.PUBLISHED)
                .setMetrics(new io.spanloop.events.EvalMetrics(0.0, 0.0, null, null, 0))
                .setTrainingExamples(0)
                .setEpochs(0)
                .setDevice("cpu")
                .setTrainingSeconds(0.0)
                .setFeedbackOffsets(
                        List.of(
                                new PartitionOffset(0, partition0),
                                new PartitionOffset(1, partition1)))
                .setCreatedAt(java.time.Instant.now())
                .build();
    }
}
