package io.spanloop.qa.imports;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model's graph as {@link OnnxGraphReader} read it: its nodes, initializers, inputs and
 * outputs, and its edges (the node that produces a value, the nodes that consume it).
 */
final class OnnxGraph {

    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int BFLOAT16 = 16;

    /** One TensorProto: an initializer, or the value of a Constant node. */
    record OnnxTensor(
            String name,
            long[] dims,
            int dataType,
            ByteBuffer raw,
            float[] floatData,
            long[] int64Data,
            boolean external) {

        long elements() {
            return FloatTensor.elements(dims);
        }
    }

    /** One NodeProto, with the attributes the heuristics need. */
    record Node(
            String opType,
            List<String> inputs,
            List<String> outputs,
            Map<String, OnnxTensor> tensorAttributes,
            Map<String, Long> intAttributes,
            Map<String, Float> floatAttributes) {}

    private final String producer;
    private final List<Node> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    OnnxGraph(
            String producer,
            List<Node> nodes,
            Map<String, OnnxTensor> initializers,
            List<String> inputs,
            List<String> outputs) {
        this.producer = producer;
        this.nodes = nodes;
        this.initializers = initializers;
        this.inputs = inputs;
        this.outputs = outputs;
        for (Node node : nodes) {
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
    }

    /** Who wrote the file ({@code producer_name producer_version}, e.g. "pytorch 2.0.1"). */
    String producer() {
        return producer;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** The initializers by name, in the file's order. */
    Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** The graph's inputs (initializers excluded). */
    List<String> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    /** The graph's outputs. */
    List<String> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** The node whose output {@code value} is, or null (an initializer or a graph input). */
    Node producerOf(String value) {
        return producers.get(value);
    }

    /** The nodes that take {@code value} as an input. */
    List<Node> consumersOf(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** How many nodes of an operator type the graph has. */
    int count(String opType) {
        return (int) nodes.stream().filter(n -> n.opType().equals(opType)).count();
    }

    /** The tensor a value is fixed to: an initializer, or a Constant node's value; else null. */
    OnnxTensor constant(String name) {
        OnnxTensor initializer = initializers.get(name);
        if (initializer != null) {
            return initializer;
        }
        Node producer = producers.get(name);
        if (producer != null && producer.opType().equals("Constant")) {
            return producer.tensorAttributes().get("value");
        }
        return null;
    }
}
