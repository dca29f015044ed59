package io.spanloop.retrainer;

import io.spanloop.events.ModelVersion;
import io.spanloop.events.PartitionOffset;
import io.spanloop.qa.SquadDataset;
import io.spanloop.qa.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The slices the gate scores besides the held-out labels as a whole: each eval file ({@code
 * file:<name>}, a fixed set of what the model must keep knowing), the held-out labels by the
 * training that first covered them ({@code labels@v3}: labels version 3's training saw arrive,
 * frozen since; {@code labels@new}: labels no training covered yet), and the held-out labels by the
 * value of a question attribute ({@code labels[topic=billing]}).
 */
final class EvaluationSlices {

    /** A held-out label, its question's attributes and where it sits in the feedback topic. */
    record HeldOut(
            TrainingExample example, Map<String, String> attributes, int partition, long offset) {}

    private EvaluationSlices() {}

    /** An eval file as a regression slice, named after the file. */
    static EvalSlice ofFile(Path file, SquadDataset dataset) {
        String name = file.getFileName().toString().replaceFirst("(\\.squad)?\\.json$", "");
        Map<String, List<String>> golds = new HashMap<>(dataset.goldAnswers());
        for (TrainingExample example : dataset.examples()) {
            golds.putIfAbsent(example.id(), Examples.golds(example));
        }
        return new EvalSlice("file:" + name, dataset.examples(), golds, true);
    }

    /** The held-out labels split by the training whose offsets first covered them. */
    static List<EvalSlice> byVersion(List<HeldOut> heldOut, List<ModelVersion> events) {
        List<ModelVersion> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(ModelVersion::getVersion));
        Map<String, List<TrainingExample>> groups = new LinkedHashMap<>();
        for (HeldOut label : heldOut) {
            groups.computeIfAbsent(introducedBy(label, ordered), k -> new ArrayList<>())
                    .add(label.example());
        }
        List<EvalSlice> slices = new ArrayList<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(EvaluationSlices::byVersionName))
                .forEach(group -> slices.add(labelSlice(group.getKey(), group.getValue())));
        return slices;
    }

    /**
     * The held-out labels split by the value of the question attribute {@code key}, one slice per
     * value in value order; labels whose question lacks the attribute are in none.
     */
    static List<EvalSlice> byAttribute(List<HeldOut> heldOut, String key) {
        Map<String, List<TrainingExample>> groups = new TreeMap<>();
        for (HeldOut label : heldOut) {
            String value = label.attributes().get(key);
            if (value != null) {
                groups.computeIfAbsent(value, v -> new ArrayList<>()).add(label.example());
            }
        }
        List<EvalSlice> slices = new ArrayList<>();
        groups.forEach(
                (value, examples) ->
                        slices.add(labelSlice("labels[" + key + "=" + value + "]", examples)));
        return slices;
    }

    private static EvalSlice labelSlice(String name, List<TrainingExample> examples) {
        Map<String, List<String>> golds = new HashMap<>();
        examples.forEach(e -> golds.put(e.id(), Examples.golds(e)));
        return new EvalSlice(name, examples, golds, false);
    }

    private static String introducedBy(HeldOut label, List<ModelVersion> ordered) {
        for (ModelVersion event : ordered) {
            for (PartitionOffset covered : event.getFeedbackOffsets()) {
                if (covered.getPartition() == label.partition()
                        && label.offset() < covered.getOffset()) {
                    return "labels@v" + event.getVersion();
                }
            }
        }
        return "labels@new";
    }

    /** {@code labels@v2} before {@code labels@v10}, {@code labels@new} last. */
    private static int byVersionName(String a, String b) {
        return Long.compare(order(a), order(b));
    }

    private static long order(String name) {
        return name.endsWith("@new")
                ? Long.MAX_VALUE
                : Long.parseLong(name.substring(name.indexOf("@v") + 2));
    }
}
