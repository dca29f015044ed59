package io.spanloop.qa.imports;

import io.spanloop.qa.imports.OnnxGraph.Node;
import io.spanloop.qa.imports.OnnxGraph.OnnxTensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HuggingFace names for an ONNX graph's weights: an initializer keeps its own name, but an
 * anonymous MatMul (or Gemm) weight is named after the bias the graph adds to its output.
 */
final class OnnxNames {

    /** A weight under its HuggingFace name: an initializer, possibly stored transposed. */
    record Alias(OnnxTensor tensor, boolean transposed) {}

    private OnnxNames() {}

    /** Names each initializer; anonymous MatMul/Gemm weights after the bias added to them. */
    static Map<String, Alias> of(OnnxGraph graph) {
        Map<String, OnnxTensor> initializers = graph.initializers();
        Map<String, Alias> named = new LinkedHashMap<>();
        Map<String, Alias> derived = new TreeMap<>();
        Set<String> aliased = new HashSet<>();
        for (Node node : graph.nodes()) {
            if (node.opType().equals("MatMul") && node.inputs().size() == 2) {
                OnnxTensor weight = initializers.get(node.inputs().get(1));
                if (weight == null || weight.dims().length != 2) {
                    continue;
                }
                String bias = addedBias(graph, node.outputs().get(0), weight.dims()[1]);
                if (bias != null) {
                    derived.put(weightName(bias), new Alias(weight, true));
                    aliased.add(weight.name());
                }
            } else if (node.opType().equals("Gemm") && node.inputs().size() == 3) {
                OnnxTensor weight = initializers.get(node.inputs().get(1));
                OnnxTensor bias = initializers.get(node.inputs().get(2));
                if (weight == null || bias == null || !bias.name().endsWith("bias")) {
                    continue;
                }
                boolean transB = node.intAttributes().getOrDefault("transB", 0L) != 0;
                derived.put(weightName(bias.name()), new Alias(weight, !transB));
                aliased.add(weight.name());
            }
        }
        for (OnnxTensor t : initializers.values()) {
            if (!aliased.contains(t.name())) {
                named.put(t.name(), new Alias(t, false));
            }
        }
        for (Map.Entry<String, Alias> e : derived.entrySet()) {
            named.putIfAbsent(e.getKey(), e.getValue());
        }
        return named;
    }

    /** The named bias an Add node adds to {@code output}, if exactly one such Add exists. */
    private static String addedBias(OnnxGraph graph, String output, long outFeatures) {
        String found = null;
        for (Node consumer : graph.consumersOf(output)) {
            if (!consumer.opType().equals("Add") || consumer.inputs().size() != 2) {
                continue;
            }
            String other =
                    consumer.inputs().get(0).equals(output)
                            ? consumer.inputs().get(1)
                            : consumer.inputs().get(0);
            OnnxTensor bias = graph.initializers().get(other);
            if (bias != null
                    && bias.name().endsWith("bias")
                    && bias.dims().length == 1
                    && bias.dims()[0] == outFeatures) {
                if (found != null) {
                    return null;
                }
                found = bias.name();
            }
        }
        return found;
    }

    private static String weightName(String biasName) {
        return biasName.substring(0, biasName.length() - "bias".length()) + "weight";
    }
}
