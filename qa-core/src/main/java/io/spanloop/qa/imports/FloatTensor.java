package io.spanloop.qa.imports;

import java.util.Arrays;

/**
 * A tensor read from a checkpoint, as float32 values in row-major order.
 *
 * @param name its name in the checkpoint (for ONNX: the HuggingFace name it was mapped to)
 * @param shape its dimensions
 * @param values {@code product(shape)} values
 */
public record FloatTensor(String name, long[] shape, float[] values) {

    public FloatTensor {
        shape = shape.clone();
        if (elements(shape) != values.length) {
            throw new IllegalArgumentException(
                    name + ": " + values.length + " values for shape " + Arrays.toString(shape));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements of a tensor of this shape. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
