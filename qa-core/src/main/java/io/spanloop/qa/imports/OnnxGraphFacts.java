package io.spanloop.qa.imports;

import io.spanloop.qa.imports.OnnxGraph.Node;
import io.spanloop.qa.imports.OnnxGraph.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What an encoder's ONNX graph tells that its weights' shapes do not: the number of attention
 * heads, the LayerNorm epsilon and the feed-forward activation.
 */
final class OnnxGraphFacts {

    private final OnnxGraph graph;

    OnnxGraphFacts(OnnxGraph graph) {
        this.graph = graph;
    }

    /**
     * The number of attention heads, read from the graph: the shape of the Reshape that splits a
     * projection into heads, {@code [batch, length, heads, head_size]}, ends in two constants whose
     * product is the hidden size. Empty unless every such Reshape agrees.
     */
    OptionalInt attentionHeads(long hiddenSize) {
        Integer heads = null;
        for (Node node : graph.nodes()) {
            if (!node.opType().equals("Reshape") || node.inputs().size() < 2) {
                continue;
            }
            long[] shape = constantShape(node.inputs().get(1));
            if (shape == null || shape.length != 4) {
                continue;
            }
            long a = shape[2];
            long b = shape[3];
            if (a > 1 && b > 1 && a * b == hiddenSize) {
                if (heads != null && heads != a) {
                    return OptionalInt.empty();
                }
                heads = (int) a;
            }
        }
        return heads == null ? OptionalInt.empty() : OptionalInt.of(heads);
    }

    /** A shape tensor's values where known: a constant, or a Concat of parts (-1: not known). */
    private long[] constantShape(String name) {
        long[] constant = constantLongs(name);
        if (constant != null) {
            return constant;
        }
        Node producer = graph.producerOf(name);
        if (producer == null || !producer.opType().equals("Concat")) {
            return null;
        }
        List<Long> values = new ArrayList<>();
        for (String part : producer.inputs()) {
            long[] known = constantLongs(part);
            if (known == null) {
                values.add(-1L); // a dynamic dimension (Unsqueeze of a Shape's Gather)
            } else {
                for (long v : known) {
                    values.add(v);
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private long[] constantLongs(String name) {
        OnnxTensor t = graph.constant(name);
        if (t == null || (t.dataType() != OnnxGraph.INT64 && t.dataType() != OnnxGraph.INT32)) {
            return null;
        }
        if (t.int64Data() != null) {
            return t.int64Data().clone();
        }
        if (t.raw() == null || t.elements() > 16) {
            return null;
        }
        ByteBuffer data = t.raw().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[(int) t.elements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.dataType() == OnnxGraph.INT64 ? data.getLong(i * 8) : data.getInt(i * 4);
        }
        return values;
    }

    private Float constantFloat(String name) {
        OnnxTensor t = graph.constant(name);
        if (t == null || t.elements() != 1) {
            return null;
        }
        if (t.dataType() == OnnxGraph.FLOAT && t.floatData() != null) {
            return t.floatData()[0];
        }
        if (t.dataType() == OnnxGraph.FLOAT && t.raw() != null && t.raw().remaining() == 4) {
            return t.raw().duplicate().order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        }
        return null;
    }

    /**
     * The LayerNorm epsilon: the attribute of LayerNormalization nodes, or the constant that an
     * exported LayerNorm adds to the variance (an Add of a ReduceMean's output and a scalar).
     */
    OptionalDouble layerNormEps() {
        Map<Float, Integer> votes = new HashMap<>();
        for (Node node : graph.nodes()) {
            Float eps = null;
            if (node.opType().equals("LayerNormalization")) {
                eps = node.floatAttributes().getOrDefault("epsilon", 1e-5f);
            } else if (node.opType().equals("Add") && node.inputs().size() == 2) {
                for (int i = 0; i < 2; i++) {
                    Node source = graph.producerOf(node.inputs().get(i));
                    if (source != null && source.opType().equals("ReduceMean")) {
                        Float value = constantFloat(node.inputs().get(1 - i));
                        if (value != null && value > 0 && value < 1e-3f) {
                            eps = value;
                        }
                    }
                }
            }
            if (eps != null) {
                votes.merge(eps, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(e -> OptionalDouble.of(Double.parseDouble(Float.toString(e.getKey()))))
                .orElse(OptionalDouble.empty());
    }

    /**
     * The feed-forward activation as HF names it: {@code gelu} where the graph computes erf, {@code
     * gelu_new} (tanh approximation) where it computes tanh, {@code relu}.
     */
    Optional<String> hiddenAct() {
        for (Node node : graph.nodes()) {
            if (node.opType().equals("Gelu")) {
                return Optional.of("gelu"); // opset 20's Gelu; approximate="tanh" is not read
            }
        }
        if (graph.count("Erf") > 0) {
            return Optional.of("gelu");
        }
        if (graph.count("Tanh") > 0) {
            return Optional.of("gelu_new");
        }
        if (graph.count("Relu") > 0) {
            return Optional.of("relu");
        }
        return Optional.empty();
    }
}
