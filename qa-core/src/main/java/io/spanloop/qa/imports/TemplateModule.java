package io.spanloop.qa.imports;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A TorchScript module made by {@code make_templates.py}, loaded with DJL and grown in place
 * through its exported methods: {@code assign(target, value)} ({@code set_} to a contiguous copy of
 * any shape), {@code resize(target, shape)} and {@code assign_layer(target, index, value)} (stacked
 * per-layer tensors, one layer at a time), {@code set_int}/{@code set_float} (structural numbers),
 * {@code encode} (the last hidden state). A parameter is addressed by the tensor handle DJL lists
 * for it, which shares the module's tensor, so {@code set_} on it changes the module.
 */
final class TemplateModule implements AutoCloseable {

    /** The template version this code drives (the templates' {@code template_version}). */
    static final long TEMPLATE_VERSION = 2;

    private final PtNDManager manager;
    private final PtSymbolBlock block;
    private final Map<String, PtNDArray> parameters = new LinkedHashMap<>();

    private TemplateModule(PtNDManager manager, PtSymbolBlock block) {
        this.manager = manager;
        this.block = block;
        for (NDArray p : JniUtils.moduleGetParams(block, manager)) {
            parameters.put(p.getName(), (PtNDArray) p);
        }
    }

    /** Loads a template resource (copied to {@code scratch} first: DJL loads from files). */
    static TemplateModule load(Layout layout, PtNDManager manager, Path scratch)
            throws IOException {
        Path file = scratch.resolve("template-" + layout.prefix() + ".pt");
        try (InputStream in = TemplateModule.class.getResourceAsStream(layout.templateResource())) {
            if (in == null) {
                throw new IllegalStateException(
                        "template " + layout.templateResource() + " is missing from the classpath");
            }
            Files.copy(in, file);
        }
        try {
            // trainParam: loaded outside inference mode, so its tensors stay trainable when saved
            return open(file, layout, manager, true);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Loads a template, or a module grown from one, from a file. */
    static TemplateModule open(Path file, Layout layout, PtNDManager manager, boolean trainable) {
        PtSymbolBlock block =
                JniUtils.loadModule(manager, file, true, new String[0], new String[0], trainable);
        TemplateModule module = new TemplateModule(manager, block);
        try {
            module.check(layout);
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
        return module;
    }

    private void check(Layout layout) {
        String arch;
        try (IValue result = IValueUtils.runMethod(block, "get_architecture")) {
            arch = result.toStringValue();
        }
        long version = getInt("template_version");
        if (!arch.equals(layout.prefix()) || version != TEMPLATE_VERSION) {
            throw new IllegalStateException(
                    "template " + layout.templateResource() + " is " + arch + " v" + version);
        }
        for (Layout.Slot slot : layout.slots()) {
            if (!parameters.containsKey(slot.templateName())) {
                throw new IllegalStateException(
                        "template " + layout.templateResource() + " has no " + slot.templateName());
            }
        }
        if (parameters.size() != layout.slots().size()) {
            throw new IllegalStateException(
                    "template "
                            + layout.templateResource()
                            + " has parameters "
                            + parameters.keySet());
        }
    }

    /** Replaces a parameter by a copy of {@code value} (any shape). */
    void assign(String name, FloatTensor value) {
        try (NDArray array = array(value);
                IValue target = IValue.from(parameter(name));
                IValue source = IValue.from((PtNDArray) array);
                IValue ignored = IValueUtils.runMethod(block, "assign", target, source)) {
            // done
        }
    }

    /** Makes a parameter a zero tensor of {@code shape}. */
    void resize(String name, long[] shape) {
        try (IValue target = IValue.from(parameter(name));
                IValue dims = IValue.listFrom(shape);
                IValue ignored = IValueUtils.runMethod(block, "resize", target, dims)) {
            // done
        }
    }

    /** Copies {@code value} into {@code parameter[index]}. */
    void assignLayer(String name, int index, FloatTensor value) {
        try (NDArray array = array(value);
                IValue target = IValue.from(parameter(name));
                IValue at = IValue.from((long) index);
                IValue source = IValue.from((PtNDArray) array);
                IValue ignored = IValueUtils.runMethod(block, "assign_layer", target, at, source)) {
            // done
        }
    }

    void setInt(String name, long value) {
        try (IValue key = IValue.from(name);
                IValue v = IValue.from(value);
                IValue ignored = IValueUtils.runMethod(block, "set_int", key, v)) {
            // done
        }
    }

    void setFloat(String name, double value) {
        try (IValue key = IValue.from(name);
                IValue v = IValue.from(value);
                IValue ignored = IValueUtils.runMethod(block, "set_float", key, v)) {
            // done
        }
    }

    long getInt(String name) {
        try (IValue key = IValue.from(name);
                IValue result = IValueUtils.runMethod(block, "get_int", key)) {
            return result.toLong();
        }
    }

    /** A parameter's values now, flattened. */
    float[] values(String name) {
        for (NDArray p : JniUtils.moduleGetParams(block, manager)) {
            try (p) {
                if (p.getName().equals(name)) {
                    return p.toType(DataType.FLOAT32, false).toFloatArray();
                }
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }

    /**
     * The encoder's last hidden state for a batch ({@code inputs}: ids, mask and, where the
     * template takes them, token types), flattened [batch, length, hidden].
     */
    float[] encode(long[][]... inputs) {
        return run("encode", inputs)[0];
    }

    /** The QA head's start and end logits for a batch, each flattened [batch, length]. */
    float[][] logits(long[][]... inputs) {
        return run("forward", inputs);
    }

    private float[][] run(String method, long[][]... inputs) {
        NDList arrays = new NDList();
        IValue[] values = new IValue[inputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                long[][] rows = inputs[i];
                long[] flat = Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
                NDArray array = manager.create(flat, new Shape(rows.length, rows[0].length));
                arrays.add(array);
                values[i] = IValue.from((PtNDArray) array);
            }
            try (IValue result = IValueUtils.runMethod(block, method, values)) {
                IValue[] parts = result.isTuple() ? result.toIValueTuple() : new IValue[] {result};
                float[][] out = new float[parts.length][];
                for (int i = 0; i < parts.length; i++) {
                    try (NDArray t = parts[i].toTensor(manager)) {
                        out[i] = t.toType(DataType.FLOAT32, false).toFloatArray();
                    }
                    if (parts[i] != result) {
                        parts[i].close();
                    }
                }
                return out;
            }
        } finally {
            for (IValue v : values) {
                if (v != null) {
                    v.close();
                }
            }
            arrays.close();
        }
    }

    /** Switches dropout on (training) or off. */
    void train(boolean training) {
        if (training) {
            JniUtils.enableTrainingMode(block);
        } else {
            JniUtils.enableInferenceMode(block);
        }
    }

    /** Writes the module (in eval mode: a saved module keeps its train flag). */
    void write(Path file) throws IOException {
        JniUtils.enableInferenceMode(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            JniUtils.writeModule(block, out, false);
        }
    }

    private PtNDArray parameter(String name) {
        PtNDArray p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("the template has no parameter " + name);
        }
        return p;
    }

    private NDArray array(FloatTensor value) {
        return manager.create(value.values(), new Shape(value.shape()));
    }

    @Override
    public void close() {
        parameters.values().forEach(NDArray::close);
        block.close();
    }
}
