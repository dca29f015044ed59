package io.spanloop.qa.imports;

import java.util.List;

/** Named tensors of a checkpoint (safetensors, ONNX initializers), read one at a time. */
public interface TensorSource {

    /** The tensors' names, in the file's order. */
    List<String> names();

    /** Whether a tensor of this name exists. */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /**
     * A tensor's shape without reading its data.
     *
     * @throws ModelImportException when there is no such tensor
     */
    long[] shape(String name);

    /**
     * Reads a tensor as float32.
     *
     * @throws ModelImportException when there is no such tensor, its type cannot be converted to
     *     float32, or its data is out of the file's bounds
     */
    FloatTensor read(String name);

    /** What the tensors come from (a file name), for messages. */
    String describe();
}
