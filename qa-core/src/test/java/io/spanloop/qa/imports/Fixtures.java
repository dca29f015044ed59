package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The small HF-layout checkpoints made by {@code make_templates.py} ({@code
 * src/test/resources/imports/<name>/}), copied where a test may change them, and their reference
 * outputs.
 */
final class Fixtures {

    static final List<String> FILES =
            List.of("config.json", "model.safetensors", "tokenizer.json", "expected.json");

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** Copies fixture {@code name} to a new directory {@code <into>/<name>-<random>/}. */
    static Path copy(String name, Path into) {
        Path dir;
        try {
            Files.createDirectories(into);
            dir = Files.createTempDirectory(into, name + "-");
            for (String file : FILES) {
                String resource = "/imports/" + name + "/" + file;
                try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException(resource + " missing from the classpath");
                    }
                    Files.copy(in, dir.resolve(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The reference outputs of a fixture. */
    record Expected(
            long[][] inputIds,
            long[][] attentionMask,
            long[][] tokenTypeIds,
            float[][][] lastHiddenState,
            float[][] startLogits,
            float[][] endLogits) {

        /** The inputs the architecture's template takes. */
        long[][][] inputs() {
            return tokenTypeIds == null
                    ? new long[][][] {inputIds, attentionMask}
                    : new long[][][] {inputIds, attentionMask, tokenTypeIds};
        }
    }

    static Expected expected(Path dir) {
        try {
            JsonNode e = JSON.readTree(dir.resolve("expected.json").toFile());
            return new Expected(
                    JSON.treeToValue(e.get("input_ids"), long[][].class),
                    JSON.treeToValue(e.get("attention_mask"), long[][].class),
                    e.has("token_type_ids")
                            ? JSON.treeToValue(e.get("token_type_ids"), long[][].class)
                            : null,
                    JSON.treeToValue(e.get("last_hidden_state"), float[][][].class),
                    e.has("start_logits")
                            ? JSON.treeToValue(e.get("start_logits"), float[][].class)
                            : null,
                    e.has("end_logits")
                            ? JSON.treeToValue(e.get("end_logits"), float[][].class)
                            : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites one entry of a JSON file (config.json, tokenizer.json). */
    static void editJson(Path file, java.util.function.Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(root);
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest absolute difference between flattened values. */
    static float maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(expected.length + " values expected, got " + actual.length);
        }
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    static float[] flatten(float[][] values) {
        int n = 0;
        for (float[] row : values) {
            n += row.length;
        }
        float[] flat = new float[n];
        int at = 0;
        for (float[] row : values) {
            System.arraycopy(row, 0, flat, at, row.length);
            at += row.length;
        }
        return flat;
    }

    static float[] flatten(float[][][] values) {
        int n = 0;
        for (float[][] m : values) {
            for (float[] row : m) {
                n += row.length;
            }
        }
        float[] flat = new float[n];
        int at = 0;
        for (float[][] m : values) {
            for (float[] row : m) {
                System.arraycopy(row, 0, flat, at, row.length);
                at += row.length;
            }
        }
        return flat;
    }
}
