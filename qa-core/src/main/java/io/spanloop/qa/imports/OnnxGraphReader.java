package io.spanloop.qa.imports;

import io.spanloop.qa.imports.OnnxGraph.Node;
import io.spanloop.qa.imports.OnnxGraph.OnnxTensor;
import io.spanloop.qa.imports.ProtoReader.FloatList;
import io.spanloop.qa.imports.ProtoReader.LongList;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses an ONNX ModelProto into an {@link OnnxGraph}, without ONNX Runtime (ModelProto.graph = 7;
 * GraphProto node = 1, initializer = 5, input = 11, output = 12; NodeProto input = 1, output = 2,
 * op_type = 4, attribute = 5; TensorProto dims = 1, data_type = 2, float_data = 4, int64_data = 7,
 * name = 8, raw_data = 9, data_location = 14).
 */
final class OnnxGraphReader {

    private OnnxGraphReader() {}

    /**
     * Parses a model's bytes.
     *
     * @throws IllegalArgumentException or {@link IndexOutOfBoundsException} when they are not a
     *     valid ONNX model with initializers
     */
    static OnnxGraph parse(ByteBuffer bytes) {
        ProtoReader model = new ProtoReader(bytes);
        String producerName = "";
        String producerVersion = "";
        ByteBuffer graph = null;
        while (model.hasNext()) {
            switch (model.nextField()) {
                case 2 -> producerName = model.readString();
                case 3 -> producerVersion = model.readString();
                case 7 -> graph = model.readBytes();
                default -> model.skip();
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("it has no graph");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        ProtoReader g = new ProtoReader(graph);
        while (g.hasNext()) {
            switch (g.nextField()) {
                case 1 -> nodes.add(parseNode(g.readMessage()));
                case 5 -> {
                    OnnxTensor t = parseTensor(g.readMessage());
                    initializers.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfoName(g.readMessage()));
                case 12 -> outputs.add(valueInfoName(g.readMessage()));
                default -> g.skip();
            }
        }
        if (initializers.isEmpty()) {
            throw new IllegalArgumentException("its graph has no initializers (no weights)");
        }
        inputs.removeIf(initializers::containsKey); // old exporters list initializers as inputs
        String producer = (producerName + " " + producerVersion).trim();
        return new OnnxGraph(producer, nodes, initializers, inputs, outputs);
    }

    private static String valueInfoName(ProtoReader info) {
        String name = "";
        while (info.hasNext()) {
            if (info.nextField() == 1) {
                name = info.readString();
            } else {
                info.skip();
            }
        }
        return name;
    }

    private static Node parseNode(ProtoReader node) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String opType = "";
        Map<String, OnnxTensor> tensors = new HashMap<>();
        Map<String, Long> ints = new HashMap<>();
        Map<String, Float> floats = new HashMap<>();
        while (node.hasNext()) {
            switch (node.nextField()) {
                case 1 -> inputs.add(node.readString());
                case 2 -> outputs.add(node.readString());
                case 4 -> opType = node.readString();
                case 5 -> parseAttribute(node.readMessage(), tensors, ints, floats);
                default -> node.skip();
            }
        }
        return new Node(opType, inputs, outputs, tensors, ints, floats);
    }

    private static void parseAttribute(
            ProtoReader attribute,
            Map<String, OnnxTensor> tensors,
            Map<String, Long> ints,
            Map<String, Float> floats) {
        String name = "";
        OnnxTensor tensor = null;
        Long i = null;
        Float f = null;
        while (attribute.hasNext()) {
            switch (attribute.nextField()) {
                case 1 -> name = attribute.readString();
                case 2 -> f = attribute.readFloat();
                case 3 -> i = attribute.readVarint();
                case 5 -> tensor = parseTensor(attribute.readMessage());
                default -> attribute.skip();
            }
        }
        if (tensor != null) {
            tensors.put(name, tensor);
        }
        if (i != null) {
            ints.put(name, i);
        }
        if (f != null) {
            floats.put(name, f);
        }
    }

    private static OnnxTensor parseTensor(ProtoReader t) {
        LongList dims = new LongList();
        FloatList floatData = new FloatList();
        LongList int64Data = new LongList();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        boolean external = false;
        while (t.hasNext()) {
            switch (t.nextField()) {
                case 1 -> t.readInt64s(dims);
                case 2 -> dataType = (int) t.readVarint();
                case 4 -> t.readFloats(floatData);
                case 7 -> t.readInt64s(int64Data);
                case 8 -> name = t.readString();
                case 9 -> raw = t.readBytes();
                case 14 -> external = t.readVarint() == 1;
                default -> t.skip();
            }
        }
        long[] shape = dims.toArray();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension");
            }
        }
        return new OnnxTensor(
                name,
                shape,
                dataType,
                raw,
                floatData.size() == 0 ? null : floatData.toArray(),
                int64Data.size() == 0 ? null : int64Data.toArray(),
                external);
    }
}
