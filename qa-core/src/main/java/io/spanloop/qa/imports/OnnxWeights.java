package io.spanloop.qa.imports;

import io.spanloop.qa.imports.ProtoReader.FloatList;
import io.spanloop.qa.imports.ProtoReader.LongList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The weights of an ONNX model (the {@code initializer}s of its graph), read without ONNX Runtime:
 * the protobuf is parsed here (ModelProto.graph = 7; GraphProto node = 1, initializer = 5, input =
 * 11, output = 12; NodeProto input = 1, output = 2, op_type = 4, attribute = 5; TensorProto dims =
 * 1, data_type = 2, float_data = 4, int64_data = 7, name = 8, raw_data = 9, data_location = 14).
 *
 * <p>PyTorch's exporter keeps HuggingFace names for embeddings, biases and LayerNorms, but gives
 * the weight of every {@code nn.Linear} an anonymous name ({@code onnx::MatMul_787}) and stores it
 * transposed, [in, out], as a MatMul operand. Each such weight is named here after the bias that
 * the graph adds to its MatMul's output ({@code encoder.layer.0.attention.self.query.bias} gives
 * {@code encoder.layer.0.attention.self.query.weight}) and read transposed back into {@code
 * nn.Linear}'s [out, in]; a Gemm with a named bias is handled alike. Only the graph's edges are
 * followed, never its node order.
 */
public final class OnnxWeights implements TensorSource {

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

    /** A weight under its HuggingFace name: an initializer, possibly stored transposed. */
    private record Alias(OnnxTensor tensor, boolean transposed) {}

    private final Path file;
    private final String producer;
    private final List<Node> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final Map<String, Alias> weights;
    private final List<String> graphInputs;
    private final List<String> graphOutputs;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private OnnxWeights(
            Path file,
            String producer,
            List<Node> nodes,
            Map<String, OnnxTensor> initializers,
            List<String> graphInputs,
            List<String> graphOutputs) {
        this.file = file;
        this.producer = producer;
        this.nodes = nodes;
        this.initializers = initializers;
        this.graphInputs = graphInputs;
        this.graphOutputs = graphOutputs;
        for (Node node : nodes) {
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        this.weights = nameWeights();
    }

    /**
     * Reads an ONNX model file.
     *
     * @throws ModelImportException when it is missing, not an ONNX model, truncated, or keeps its
     *     weights in external files
     */
    public static OnnxWeights read(Path file) {
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new ModelImportException(
                        file
                                + " is over 2 GB; ONNX files that large keep their weights as"
                                + " external data, which is not supported");
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        } catch (NoSuchFileException e) {
            throw new ModelImportException(file + " does not exist");
        } catch (IOException e) {
            throw new ModelImportException("cannot read " + file + ": " + e.getMessage(), e);
        }
        OnnxWeights weights;
        try {
            weights = parseModel(file, bytes);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ModelImportException(
                    file + " is not a valid ONNX model (truncated or corrupt?): " + e.getMessage(),
                    e);
        }
        for (OnnxTensor t : weights.initializers.values()) {
            if (t.external()) {
                throw new ModelImportException(
                        file
                                + " keeps its weights in external data files ("
                                + t.name()
                                + "); re-export it as one file (onnx.save(model, path,"
                                + " save_as_external_data=False), models under 2 GB)");
            }
        }
        return weights;
    }

    private static OnnxWeights parseModel(Path file, ByteBuffer bytes) {
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
        return new OnnxWeights(file, producer, nodes, initializers, inputs, outputs);
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

    /** Names each initializer; anonymous MatMul/Gemm weights after the bias added to them. */
    private Map<String, Alias> nameWeights() {
        Map<String, Alias> named = new LinkedHashMap<>();
        Map<String, Alias> derived = new TreeMap<>();
        Set<String> aliased = new java.util.HashSet<>();
        for (Node node : nodes) {
            if (node.opType().equals("MatMul") && node.inputs().size() == 2) {
                OnnxTensor weight = initializers.get(node.inputs().get(1));
                if (weight == null || weight.dims().length != 2) {
                    continue;
                }
                String bias = addedBias(node.outputs().get(0), weight.dims()[1]);
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
    private String addedBias(String output, long outFeatures) {
        String found = null;
        for (Node consumer : consumers.getOrDefault(output, List.of())) {
            if (!consumer.opType().equals("Add") || consumer.inputs().size() != 2) {
                continue;
            }
            String other =
                    consumer.inputs().get(0).equals(output)
                            ? consumer.inputs().get(1)
                            : consumer.inputs().get(0);
            OnnxTensor bias = initializers.get(other);
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

    @Override
    public List<String> names() {
        return new ArrayList<>(weights.keySet());
    }

    @Override
    public boolean contains(String name) {
        return weights.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        Alias alias = alias(name);
        long[] dims = alias.tensor().dims().clone();
        if (alias.transposed()) {
            return new long[] {dims[1], dims[0]};
        }
        return dims;
    }

    private Alias alias(String name) {
        Alias alias = weights.get(name);
        if (alias == null) {
            throw new ModelImportException(file + " has no weight " + name);
        }
        return alias;
    }

    /** The initializer a weight was read from ({@code onnx::MatMul_787} for an anonymous one). */
    public String storedName(String name) {
        return alias(name).tensor().name();
    }

    @Override
    public FloatTensor read(String name) {
        Alias alias = alias(name);
        OnnxTensor t = alias.tensor();
        float[] values = floats(t, name);
        if (!alias.transposed()) {
            return new FloatTensor(name, t.dims(), values);
        }
        int rows = (int) t.dims()[0];
        int cols = (int) t.dims()[1];
        float[] transposed = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                transposed[c * rows + r] = values[r * cols + c];
            }
        }
        return new FloatTensor(name, new long[] {cols, rows}, transposed);
    }

    private float[] floats(OnnxTensor t, String name) {
        long count = t.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelImportException(name + " of " + file + " is too large");
        }
        int n = (int) count;
        if (t.dataType() == FLOAT && t.floatData() != null) {
            if (t.floatData().length != n) {
                throw corrupt(name, t, t.floatData().length * 4L);
            }
            return t.floatData().clone();
        }
        int width =
                switch (t.dataType()) {
                    case FLOAT -> 4;
                    case FLOAT16, BFLOAT16 -> 2;
                    case DOUBLE -> 8;
                    default ->
                            throw new ModelImportException(
                                    "weight "
                                            + name
                                            + " of "
                                            + file
                                            + " has ONNX data type "
                                            + t.dataType()
                                            + "; only float, float16, bfloat16 and double weights"
                                            + " can be imported (quantized models cannot)");
                };
        ByteBuffer raw = t.raw() == null ? ByteBuffer.allocate(0) : t.raw();
        if (raw.remaining() != (long) n * width) {
            throw corrupt(name, t, raw.remaining());
        }
        ByteBuffer data = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[n];
        switch (t.dataType()) {
            case FLOAT -> data.asFloatBuffer().get(values);
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    values[i] = (float) data.getDouble(i * 8);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    values[i] = SafetensorsReader.halfToFloat(data.getShort(i * 2));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    values[i] = Float.intBitsToFloat((data.getShort(i * 2) & 0xffff) << 16);
                }
            }
        }
        return values;
    }

    private ModelImportException corrupt(String name, OnnxTensor t, long bytes) {
        return new ModelImportException(
                file
                        + " is corrupt: weight "
                        + name
                        + " of shape "
                        + Arrays.toString(t.dims())
                        + " has "
                        + bytes
                        + " bytes of data");
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** Who wrote the file ({@code producer_name producer_version}, e.g. "pytorch 2.0.1"). */
    public String producer() {
        return producer;
    }

    /** The graph's inputs (initializers excluded). */
    public List<String> graphInputs() {
        return Collections.unmodifiableList(graphInputs);
    }

    /** The graph's outputs. */
    public List<String> graphOutputs() {
        return Collections.unmodifiableList(graphOutputs);
    }

    /** How many nodes of an operator type the graph has. */
    public int count(String opType) {
        return (int) nodes.stream().filter(n -> n.opType().equals(opType)).count();
    }

    /**
     * The number of attention heads, read from the graph: the shape of the Reshape that splits a
     * projection into heads, {@code [batch, length, heads, head_size]}, ends in two constants whose
     * product is the hidden size. Empty unless every such Reshape agrees.
     */
    public OptionalInt attentionHeads(long hiddenSize) {
        Integer heads = null;
        for (Node node : nodes) {
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
        Node producer = producers.get(name);
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
        OnnxTensor t = constant(name);
        if (t == null || (t.dataType() != INT64 && t.dataType() != INT32)) {
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
            values[i] = t.dataType() == INT64 ? data.getLong(i * 8) : data.getInt(i * 4);
        }
        return values;
    }

    private Float constantFloat(String name) {
        OnnxTensor t = constant(name);
        if (t == null || t.elements() != 1) {
            return null;
        }
        if (t.dataType() == FLOAT && t.floatData() != null) {
            return t.floatData()[0];
        }
        if (t.dataType() == FLOAT && t.raw() != null && t.raw().remaining() == 4) {
            return t.raw().duplicate().order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        }
        return null;
    }

    private OnnxTensor constant(String name) {
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

    /**
     * The LayerNorm epsilon: the attribute of LayerNormalization nodes, or the constant that an
     * exported LayerNorm adds to the variance (an Add of a ReduceMean's output and a scalar).
     */
    public OptionalDouble layerNormEps() {
        Map<Float, Integer> votes = new HashMap<>();
        for (Node node : nodes) {
            Float eps = null;
            if (node.opType().equals("LayerNormalization")) {
                eps = node.floatAttributes().getOrDefault("epsilon", 1e-5f);
            } else if (node.opType().equals("Add") && node.inputs().size() == 2) {
                for (int i = 0; i < 2; i++) {
                    Node source = producers.get(node.inputs().get(i));
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
    public Optional<String> hiddenAct() {
        for (Node node : nodes) {
            if (node.opType().equals("Gelu")) {
                return Optional.of("gelu"); // opset 20's Gelu; approximate="tanh" is not read
            }
        }
        if (count("Erf") > 0) {
            return Optional.of("gelu");
        }
        if (count("Tanh") > 0) {
            return Optional.of("gelu_new");
        }
        if (count("Relu") > 0) {
            return Optional.of("relu");
        }
        return Optional.empty();
    }
}
