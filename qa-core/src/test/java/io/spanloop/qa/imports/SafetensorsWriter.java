package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes safetensors files for tests: tensors as raw little-endian bytes under a JSON header. */
final class SafetensorsWriter {

    /** One tensor: its dtype as safetensors names it, shape, and raw little-endian bytes. */
    record Raw(String name, String dtype, long[] shape, byte[] bytes) {}

    private SafetensorsWriter() {}

    static Raw f32(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new Raw(name, "F32", shape, b.array());
    }

    static Raw shorts(String name, String dtype, long[] shape, short... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return new Raw(name, dtype, shape, b.array());
    }

    static Raw i64(String name, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new Raw(name, "I64", shape, b.array());
    }

    static void write(Path file, List<Raw> tensors) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Raw t : tensors) {
            header.put(
                    t.name(),
                    Map.of(
                            "dtype",
                            t.dtype(),
                            "shape",
                            t.shape(),
                            "data_offsets",
                            new long[] {offset, offset + t.bytes().length}));
            data.write(t.bytes());
            offset += t.bytes().length;
        }
        byte[] json =
                new ObjectMapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            data.writeTo(out);
        }
    }

    /** All tensors of a safetensors file as F32 (to rewrite a fixture with changes). */
    static List<Raw> readAll(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.names().stream()
                    .map(
                            n -> {
                                FloatTensor t = reader.read(n);
                                return f32(n, t.shape(), t.values());
                            })
                    .toList();
        }
    }
}
