package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading HuggingFace safetensors files, and refusing broken ones with a clear message. */
class SafetensorsReaderTest {

    @TempDir Path dir;

    @Test
    void shouldReadF32F16AndBf16TensorsAsFloat32() throws IOException {
        // Given: the same values stored as F32, as F16 (with a subnormal) and as BF16
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file,
                List.of(
                        SafetensorsWriter.f32("a.weight", new long[] {2, 2}, 1f, -2.5f, 0f, 1e-3f),
                        // 1.0, -2.5, 2^-24 (smallest subnormal), 65504 (largest half)
                        SafetensorsWriter.shorts(
                                "b.weight",
                                "F16",
                                new long[] {4},
                                (short) 0x3c00,
                                (short) 0xc100,
                                (short) 0x0001,
                                (short) 0x7bff),
                        // 1.0, -2.5, 3.140625
                        SafetensorsWriter.shorts(
                                "c.bias",
                                "BF16",
                                new long[] {3},
                                (short) 0x3f80,
                                (short) 0xc020,
                                (short) 0x4049),
                        SafetensorsWriter.i64("position_ids", new long[] {1, 3}, 0, 1, 2)));

        // When
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            // Then
            assertThat(reader.names())
                    .containsExactly("a.weight", "b.weight", "c.bias", "position_ids");
            assertThat(reader.metadata()).containsEntry("format", "pt");
            assertThat(reader.shape("a.weight")).containsExactly(2, 2);
            assertThat(reader.read("a.weight").values()).containsExactly(1f, -2.5f, 0f, 1e-3f);
            assertThat(reader.read("b.weight").values())
                    .containsExactly(1f, -2.5f, 0x1p-24f, 65504f);
            assertThat(reader.read("c.bias").values()).containsExactly(1f, -2.5f, 3.140625f);
            assertThat(reader.dtype("position_ids")).isEqualTo("I64");
            assertThatThrownBy(() -> reader.read("position_ids"))
                    .isInstanceOf(ModelImportException.class)
                    .hasMessageContaining("is I64; only F32, F16, BF16 and F64");
            assertThatThrownBy(() -> reader.read("missing"))
                    .isInstanceOf(ModelImportException.class)
                    .hasMessageContaining("has no tensor missing");
        }
    }

    @Test
    void shouldConvertEveryHalfPrecisionValueExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = SafetensorsReader.halfToFloat((short) bits);
            int exponent = (bits >>> 10) & 0x1f;
            if (exponent == 31 && (bits & 0x3ff) != 0) {
                assertThat(value).isNaN();
                continue;
            }
            double mantissa = bits & 0x3ff;
            double expected =
                    exponent == 0
                            ? mantissa * Math.pow(2, -24)
                            : exponent == 31
                                    ? Double.POSITIVE_INFINITY
                                    : (1 + mantissa / 1024) * Math.pow(2, exponent - 15);
            if ((bits & 0x8000) != 0) {
                expected = -expected;
            }
            assertThat((double) value).as("half 0x%04x", bits).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseATruncatedFile() throws IOException {
        // Given: a valid file with its last bytes cut off
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file, List.of(SafetensorsWriter.f32("w", new long[] {4}, 1, 2, 3, 4)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));

        // When / Then
        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("not a valid safetensors file")
                .hasMessageContaining("tensor w ends at byte 16 of the data, which has only 13")
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldRefuseAFileCutInsideItsHeader() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file, List.of(SafetensorsWriter.f32("w", new long[] {4}, 1, 2, 3, 4)));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 20));

        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("header is")
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldRefuseOffsetsThatDoNotMatchTheShape() throws IOException {
        // Given: a [2, 2] F32 tensor whose offsets span 12 bytes instead of 16
        Path file = dir.resolve("model.safetensors");
        write(
                file,
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}",
                new byte[16]);

        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining(
                        "tensor w (F32[2, 2]) needs 16 bytes but its data_offsets span 12");
    }

    @Test
    void shouldRefuseOffsetsOutOfOrder() throws IOException {
        Path file = dir.resolve("model.safetensors");
        write(
                file,
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}",
                new byte[16]);

        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("has data_offsets [8,4]");
    }

    @Test
    void shouldRefuseAHeaderThatIsNotJson() throws IOException {
        Path file = dir.resolve("model.safetensors");
        write(file, "PK\u0003\u0004 this is a zip", new byte[0]);

        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("its header is not JSON");
    }

    @Test
    void shouldRefuseAPickleGivenAsSafetensors() throws IOException {
        // Given: the first bytes of a PyTorch zip checkpoint, read as a header length
        Path file = dir.resolve("model.safetensors");
        Files.write(file, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0});

        assertThatThrownBy(() -> SafetensorsReader.open(file))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("its header length is");
    }

    @Test
    void shouldSayWhenTheFileDoesNotExist() {
        assertThatThrownBy(() -> SafetensorsReader.open(dir.resolve("none.safetensors")))
                .isInstanceOf(ModelImportException.class)
                .hasMessageEndingWith("none.safetensors does not exist");
    }

    private static void write(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Files.write(file, b.array());
    }
}
