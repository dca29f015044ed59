package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a HuggingFace {@code .safetensors} file: an 8-byte little-endian header length N, an N-byte
 * JSON header (tensor name to {@code dtype}, {@code shape} and {@code data_offsets} [begin, end)
 * relative to the data that follows the header, plus an optional {@code __metadata__} map of
 * strings), then the raw little-endian tensor bytes. Opening checks the header against the file
 * (every tensor's bytes inside the file, sizes matching shapes and types); tensors are read on
 * demand from a memory map. F32, F16, BF16 and F64 tensors are read as float32; other types can be
 * listed but not read.
 */
public final class SafetensorsReader implements TensorSource, AutoCloseable {

    /** HF's own reader refuses headers over 100 MB. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Integer> DTYPE_BYTES =
            Map.ofEntries(
                    Map.entry("BOOL", 1),
                    Map.entry("U8", 1),
                    Map.entry("I8", 1),
                    Map.entry("F8_E5M2", 1),
                    Map.entry("F8_E4M3", 1),
                    Map.entry("I16", 2),
                    Map.entry("U16", 2),
                    Map.entry("F16", 2),
                    Map.entry("BF16", 2),
                    Map.entry("I32", 4),
                    Map.entry("U32", 4),
                    Map.entry("F32", 4),
                    Map.entry("I64", 8),
                    Map.entry("U64", 8),
                    Map.entry("F64", 8));

    private record Entry(String dtype, long[] shape, long begin, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, Entry> entries,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens a safetensors file and checks its header.
     *
     * @throws ModelImportException when the file is missing, truncated or its header is malformed
     */
    public static SafetensorsReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelImportException(file + " does not exist");
        } catch (IOException e) {
            throw new ModelImportException("cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            return read(file, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new ModelImportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsReader read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw corrupt(file, "it has " + size + " bytes, fewer than the 8 of the header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw corrupt(file, "its header length is " + Long.toUnsignedString(headerLength));
        }
        if (8 + headerLength > size) {
            throw corrupt(
                    file,
                    "its header is "
                            + headerLength
                            + " bytes but the file has only "
                            + (size - 8)
                            + " after the length: truncated");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes.array());
        } catch (IOException e) {
            throw corrupt(
                    file,
                    "its header is not JSON ("
                            + e.getMessage().lines().findFirst().orElse("")
                            + ")");
        }
        if (header == null || !header.isObject()) {
            throw corrupt(file, "its header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue()
                        .fields()
                        .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(field.getKey(), entry(file, field.getKey(), field.getValue(), dataSize));
        }
        return new SafetensorsReader(file, channel, dataStart, entries, metadata);
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataSize) {
        JsonNode dtype = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null
                || !dtype.isTextual()
                || shapeNode == null
                || !shapeNode.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw corrupt(
                    file, "tensor " + name + " has no dtype, shape and two data_offsets: " + node);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw corrupt(file, "tensor " + name + " has shape " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (!offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()
                || begin < 0
                || end < begin) {
            throw corrupt(file, "tensor " + name + " has data_offsets " + offsets);
        }
        if (end > dataSize) {
            throw corrupt(
                    file,
                    "tensor "
                            + name
                            + " ends at byte "
                            + end
                            + " of the data, which has only "
                            + dataSize
                            + " bytes: truncated");
        }
        Integer bytes = DTYPE_BYTES.get(dtype.asText());
        if (bytes != null) {
            long expected;
            try {
                expected = Math.multiplyExact(FloatTensor.elements(shape), bytes);
            } catch (ArithmeticException e) {
                throw corrupt(file, "tensor " + name + " has shape " + shapeNode);
            }
            if (end - begin != expected) {
                throw corrupt(
                        file,
                        "tensor "
                                + name
                                + " ("
                                + dtype.asText()
                                + Arrays.toString(shape)
                                + ") needs "
                                + expected
                                + " bytes but its data_offsets span "
                                + (end - begin));
            }
        }
        return new Entry(dtype.asText(), shape, begin, end);
    }

    private static ModelImportException corrupt(Path file, String why) {
        return new ModelImportException(
                file + " is not a valid safetensors file: " + why + " (re-download or re-save it)");
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    private static void closeQuietly(FileChannel channel, Throwable cause) {
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** The file's {@code __metadata__} entries. */
    public Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    /** A tensor's type as the file names it ({@code F32}, {@code BF16}, ...). */
    public String dtype(String name) {
        return entry(name).dtype();
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new ModelImportException(file + " has no tensor " + name);
        }
        return entry;
    }

    @Override
    public FloatTensor read(String name) {
        Entry entry = entry(name);
        long count = FloatTensor.elements(entry.shape());
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelImportException(
                    "tensor " + name + " of " + file + " has " + count + " elements, too many");
        }
        int n = (int) count;
        float[] values = new float[n];
        if (n == 0) {
            return new FloatTensor(name, entry.shape(), values);
        }
        ByteBuffer data;
        try {
            data =
                    channel.map(
                                    FileChannel.MapMode.READ_ONLY,
                                    dataStart + entry.begin(),
                                    entry.end() - entry.begin())
                            .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelImportException(
                    "cannot read tensor " + name + " of " + file + ": " + e.getMessage(), e);
        }
        switch (entry.dtype()) {
            case "F32" -> data.asFloatBuffer().get(values);
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = (float) data.getDouble(i * 8);
                }
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = halfToFloat(data.getShort(i * 2));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) {
                    values[i] = Float.intBitsToFloat((data.getShort(i * 2) & 0xffff) << 16);
                }
            }
            default ->
                    throw new ModelImportException(
                            "tensor "
                                    + name
                                    + " of "
                                    + file
                                    + " is "
                                    + entry.dtype()
                                    + "; only F32, F16, BF16 and F64 weights can be imported");
        }
        return new FloatTensor(name, entry.shape(), values);
    }

    /** IEEE 754 half precision to float (exact: every half is a float). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // zero or subnormal
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // inf, NaN
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // read-only: nothing is lost
        }
    }
}
