package io.spanloop.qa.imports;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol buffers wire format from a buffer: a field is a varint tag (field number
 * &lt;&lt; 3 | wire type) followed by a varint (type 0), 8 bytes (1), a varint length and that many
 * bytes (2) or 4 bytes (5). Malformed input raises {@link IllegalArgumentException}.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buffer;
    private int wireType = -1;

    ProtoReader(ByteBuffer buffer) {
        this.buffer = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean hasNext() {
        return buffer.hasRemaining();
    }

    /** Reads the next tag; returns its field number (its wire type is {@link #wireType()}). */
    int nextField() {
        long tag = readVarint();
        int field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0) {
            throw new IllegalArgumentException("field number " + field + " at byte " + position());
        }
        return field;
    }

    int wireType() {
        return wireType;
    }

    int position() {
        return buffer.position();
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buffer.hasRemaining()) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte b = buffer.get();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    /** The bytes of a length-delimited field, as a little-endian view (no copy). */
    ByteBuffer readBytes() {
        expect(LENGTH_DELIMITED);
        long length = readVarint();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException(
                    "field of "
                            + length
                            + " bytes at byte "
                            + position()
                            + " but only "
                            + buffer.remaining()
                            + " remain: truncated");
        }
        ByteBuffer bytes = buffer.slice(buffer.position(), (int) length);
        buffer.position(buffer.position() + (int) length);
        return bytes.order(ByteOrder.LITTLE_ENDIAN);
    }

    String readString() {
        ByteBuffer bytes = readBytes();
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return new String(array, StandardCharsets.UTF_8);
    }

    ProtoReader readMessage() {
        return new ProtoReader(readBytes());
    }

    float readFloat() {
        expect(FIXED32);
        need(4);
        return buffer.getFloat();
    }

    /** Appends the values of a repeated int64 field, packed or not. */
    void readInt64s(LongList into) {
        if (wireType == LENGTH_DELIMITED) {
            ProtoReader packed = new ProtoReader(readBytes());
            while (packed.hasNext()) {
                into.add(packed.readVarint());
            }
        } else {
            expect(VARINT);
            into.add(readVarint());
        }
    }

    /** Appends the values of a repeated float field, packed or not. */
    void readFloats(FloatList into) {
        if (wireType == LENGTH_DELIMITED) {
            ByteBuffer packed = readBytes();
            while (packed.remaining() >= 4) {
                into.add(packed.getFloat());
            }
        } else {
            into.add(readFloat());
        }
    }

    void skip() {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                need(8);
                buffer.position(buffer.position() + 8);
            }
            case LENGTH_DELIMITED -> readBytes();
            case FIXED32 -> {
                need(4);
                buffer.position(buffer.position() + 4);
            }
            default ->
                    throw new IllegalArgumentException(
                            "wire type " + wireType + " at byte " + position());
        }
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new IllegalArgumentException(
                    "wire type " + wireType + " where " + type + " was expected");
        }
    }

    private void need(int bytes) {
        if (buffer.remaining() < bytes) {
            throw new IllegalArgumentException("truncated field at byte " + position());
        }
    }

    /** A growable long array. */
    static final class LongList {
        private long[] values = new long[4];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }

        int size() {
            return size;
        }
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] values = new float[4];
        private int size;

        void add(float value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }

        int size() {
            return size;
        }
    }
}
