package io.spanloop.qa.imports;

import io.spanloop.qa.imports.OnnxGraph.OnnxTensor;
import io.spanloop.qa.imports.OnnxNames.Alias;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The weights of an ONNX model (the {@code initializer}s of its graph), read without ONNX Runtime:
 * the protobuf is parsed by {@code OnnxGraphReader}, which lists the fields it reads.
 *
 * <p>PyTorch's exporter keeps HuggingFace names for embeddings, biases and LayerNorms, but gives
 * the weight of every {@code nn.Linear} an anonymous name ({@code onnx::MatMul_787}) and stores it
 * transposed, [in, out], as a MatMul operand. Each such weight is named after the bias that the
 * graph adds to its MatMul's output ({@code encoder.layer.0.attention.self.query.bias} gives {@code
 * encoder.layer.0.attention.self.query.weight}) and read transposed back into {@code nn.Linear}'s
 * [out, in]; a Gemm with a named bias is handled alike ({@code OnnxNames}). Only the graph's edges
 * are followed, never its node order.
 */
public final class OnnxWeights implements TensorSource {

    private final Path file;
    private final OnnxGraph graph;
    private final Map<String, Alias> weights;
    private final OnnxGraphFacts facts;

    private OnnxWeights(Path file, OnnxGraph graph) {
        this.file = file;
        this.graph = graph;
        this.weights = OnnxNames.of(graph);
        this.facts = new OnnxGraphFacts(graph);
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
            weights = new OnnxWeights(file, OnnxGraphReader.parse(bytes));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ModelImportException(
                    file + " is not a valid ONNX model (truncated or corrupt?): " + e.getMessage(),
                    e);
        }
        for (OnnxTensor t : weights.graph.initializers().values()) {
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
        if (t.dataType() == OnnxGraph.FLOAT && t.floatData() != null) {
            if (t.floatData().length != n) {
                throw corrupt(name, t, t.floatData().length * 4L);
            }
            return t.floatData().clone();
        }
        int width =
                switch (t.dataType()) {
                    case OnnxGraph.FLOAT -> 4;
                    case OnnxGraph.FLOAT16, OnnxGraph.BFLOAT16 -> 2;
                    case OnnxGraph.DOUBLE -> 8;
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
            case OnnxGraph.FLOAT -> data.asFloatBuffer().get(values);
            case OnnxGraph.DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    values[i] = (float) data.getDouble(i * 8);
                }
            }
            case OnnxGraph.FLOAT16 -> {
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
        return graph.producer();
    }

    /** The graph's inputs (initializers excluded). */
    public List<String> graphInputs() {
        return graph.inputs();
    }

    /** The graph's outputs. */
    public List<String> graphOutputs() {
        return graph.outputs();
    }

    /** How many nodes of an operator type the graph has. */
    public int count(String opType) {
        return graph.count(opType);
    }

    /**
     * The number of attention heads, read from the graph: the shape of the Reshape that splits a
     * projection into heads, {@code [batch, length, heads, head_size]}, ends in two constants whose
     * product is the hidden size. Empty unless every such Reshape agrees.
     */
    public OptionalInt attentionHeads(long hiddenSize) {
        return facts.attentionHeads(hiddenSize);
    }

    /**
     * The LayerNorm epsilon: the attribute of LayerNormalization nodes, or the constant that an
     * exported LayerNorm adds to the variance (an Add of a ReduceMean's output and a scalar).
     */
    public OptionalDouble layerNormEps() {
        return facts.layerNormEps();
    }

    /**
     * The feed-forward activation as HF names it: {@code gelu} where the graph computes erf, {@code
     * gelu_new} (tanh approximation) where it computes tanh, {@code relu}.
     */
    public Optional<String> hiddenAct() {
        return facts.hiddenAct();
    }
}
