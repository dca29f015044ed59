package io.spanloop.qa.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.imports.SafetensorsWriter.Raw;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input the importer cannot use is refused with a message that says what is wrong (and what
 * to do), and leaves nothing behind: no version, no staging directory, no model directory.
 */
class ImportFailuresTest {

    @TempDir Path work;
    private Path store;
    private Path bertQa;

    @BeforeAll
    static void startEngine() {
        EngineSettings.DEFAULTS.apply();
    }

    @BeforeEach
    void setUp() throws IOException {
        store = Files.createDirectories(work.resolve("store"));
        bertQa = Fixtures.copy("bert-qa", work.resolve("sources"));
    }

    private Path target() {
        return store.resolve("imported").resolve("1");
    }

    private void importing(Path checkpoint, ImportOptions options, String... message) {
        assertThatThrownBy(() -> new ModelImporter(options).importHuggingFace(checkpoint, target()))
                .isInstanceOf(ModelImportException.class)
                .satisfies(
                        e -> {
                            System.out.println("refused: " + e.getMessage());
                            assertThat(e.getMessage()).contains(message);
                        });
        assertNothingLeftBehind();
    }

    private void importing(Path checkpoint, String... message) {
        importing(checkpoint, ImportOptions.DEFAULTS.withMaxSeqLength(48), message);
    }

    private void assertNothingLeftBehind() {
        try (Stream<Path> left = Files.list(store)) {
            assertThat(left).as("left in the store").isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseAnUnknownArchitecture() {
        Fixtures.editJson(bertQa.resolve("config.json"), c -> c.put("model_type", "xlnet"));
        importing(
                bertQa,
                "model_type 'xlnet' is not supported (supported: bert, roberta, distilbert)");
    }

    @Test
    void shouldSayWhichFileIsMissing() throws IOException {
        importing(work.resolve("nowhere"), "checkpoint directory", "nowhere does not exist");

        Files.delete(bertQa.resolve("config.json"));
        importing(bertQa, "has no config.json");
    }

    @Test
    void shouldSayWhenTheWeightsAreMissing() throws IOException {
        Files.delete(bertQa.resolve("model.safetensors"));
        importing(bertQa, "has no model.safetensors");
    }

    @Test
    void shouldSayHowToConvertAPickledCheckpoint() throws IOException {
        // Given: weights only as pytorch_model.bin (a pickle: never loaded)
        Files.move(bertQa.resolve("model.safetensors"), bertQa.resolve("pytorch_model.bin"));
        importing(
                bertQa,
                "has its weights only as pytorch_model.bin",
                "AutoModel.from_pretrained('"
                        + bertQa
                        + "').save_pretrained('"
                        + bertQa
                        + "', safe_serialization=True)");
    }

    @Test
    void shouldSayHowToWriteAMissingTokenizerJson() throws IOException {
        Files.delete(bertQa.resolve("tokenizer.json"));
        Files.writeString(bertQa.resolve("vocab.txt"), "[PAD]\n");
        importing(
                bertQa,
                "has no tokenizer.json (only the slow tokenizer's vocabulary files)",
                "AutoTokenizer.from_pretrained");
    }

    @Test
    void shouldRefuseTensorsWhoseShapesDisagreeWithTheConfig() {
        Fixtures.editJson(bertQa.resolve("config.json"), c -> c.put("intermediate_size", 128));
        importing(
                bertQa,
                "tensor bert.encoder.layer.0.intermediate.dense.weight of ",
                " is [64, 32], but the config (hidden_size 32, intermediate_size 128,",
                "makes it [128, 32]: the config does not belong to these weights");
    }

    @Test
    void shouldRefuseALayerCountThatDisagreesWithTheConfig() {
        Fixtures.editJson(bertQa.resolve("config.json"), c -> c.put("num_hidden_layers", 3));
        importing(
                bertQa,
                "has 2 layers (bert.encoder.layer.N.*) but the config says num_hidden_layers = 3");
    }

    @Test
    void shouldRefuseATokenizerWithAnotherVocabularySize() {
        // Given: a tokenizer with one token more than the model has embeddings for
        int[] vocab = new int[1];
        Fixtures.editJson(
                bertQa.resolve("config.json"), c -> vocab[0] = c.get("vocab_size").asInt());
        Fixtures.editJson(
                bertQa.resolve("tokenizer.json"),
                t ->
                        t.withArray("added_tokens")
                                .addObject()
                                .put("id", vocab[0])
                                .put("content", "[NEW]")
                                .put("special", true));
        importing(
                bertQa,
                "tokenizer.json has "
                        + (vocab[0] + 1)
                        + " token ids but the model's word embeddings",
                "have " + vocab[0] + " rows: the tokenizer does not belong to the model");
    }

    @Test
    void shouldRefuseATruncatedSafetensorsFile() throws IOException {
        Path weights = bertQa.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));
        importing(bertQa, "is not a valid safetensors file", "truncated");
    }

    @Test
    void shouldCleanUpWhenATensorFailsWhileTheVersionIsBeingWritten() throws IOException {
        // Given: a tensor of the right shape stored as integers: found out only when it is read,
        // after the staging directory exists
        Path weights = bertQa.resolve("model.safetensors");
        List<Raw> tensors = new ArrayList<>(SafetensorsWriter.readAll(weights));
        tensors.replaceAll(
                t ->
                        t.name().equals("bert.encoder.layer.1.output.LayerNorm.bias")
                                ? SafetensorsWriter.i64(t.name(), t.shape(), new long[32])
                                : t);
        SafetensorsWriter.write(weights, tensors);
        importing(
                bertQa,
                "tensor bert.encoder.layer.1.output.LayerNorm.bias of",
                "is I64; only F32, F16, BF16 and F64 weights can be imported");
    }

    @Test
    void shouldRefuseAQaCheckpointWithoutItsHead() {
        Path base = Fixtures.copy("bert-base", work.resolve("sources"));
        Fixtures.editJson(
                base.resolve("config.json"),
                c -> c.putArray("architectures").add("BertForQuestionAnswering"));
        importing(base, "names a *ForQuestionAnswering model but", "has no qa_outputs.weight");
    }

    @Test
    void shouldRefuseAnUnsupportedActivation() {
        Fixtures.editJson(bertQa.resolve("config.json"), c -> c.put("hidden_act", "quick_gelu"));
        importing(bertQa, "hidden activation 'quick_gelu' is not supported (supported: gelu,");
    }

    @Test
    void shouldRefuseWindowsLongerThanThePositionEmbeddings() {
        importing(
                bertQa,
                ImportOptions.DEFAULTS.withMaxSeqLength(256),
                "max_seq_length 256 is more than the 64 positions the model has");
    }

    @Test
    void shouldNeverOverwriteAVersion() throws IOException {
        Path existing = Files.createDirectories(target());
        Files.writeString(existing.resolve("keep"), "mine");
        assertThatThrownBy(
                        () ->
                                new ModelImporter(ImportOptions.DEFAULTS.withMaxSeqLength(48))
                                        .importHuggingFace(bertQa, target()))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("already exists (model versions are immutable)");
        try (Stream<Path> files = Files.list(existing)) {
            assertThat(files).containsExactly(existing.resolve("keep"));
        }
    }

    @Test
    void shouldRefuseATargetNotNamedByAVersionNumber() {
        assertThatThrownBy(
                        () ->
                                new ModelImporter()
                                        .importHuggingFace(
                                                bertQa, store.resolve("m").resolve("latest")))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("named by its version number (1, 2, ...), not 'latest'");
        assertNothingLeftBehind();
    }

    @Test
    void shouldRefuseACorruptOnnxFile() throws IOException {
        Path tokenizer = bertQa.resolve("tokenizer.json");
        // a graph field that claims 1000 bytes where 10 follow
        Path truncated = work.resolve("truncated.onnx");
        Files.write(truncated, new byte[] {0x3a, (byte) 0xe8, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> new ModelImporter().importOnnx(truncated, tokenizer, target()))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining(
                        "truncated.onnx is not a valid ONNX model (truncated or corrupt?)")
                .hasMessageContaining("truncated");
        assertNothingLeftBehind();

        Path text = work.resolve("text.onnx");
        Files.writeString(text, "hello, I am not a model");
        assertThatThrownBy(() -> new ModelImporter().importOnnx(text, tokenizer, target()))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("text.onnx is not a valid ONNX model");
        assertNothingLeftBehind();
    }

    @Test
    void shouldRefuseAnOnnxModelThatIsNotABertEncoder() throws IOException {
        // Given: a well-formed ONNX model whose only weight is not a BERT one
        Path onnx = work.resolve("other.onnx");
        Files.write(onnx, onnxWithOneInitializer("conv1.weight"));
        assertThatThrownBy(
                        () ->
                                new ModelImporter()
                                        .importOnnx(
                                                onnx, bertQa.resolve("tokenizer.json"), target()))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining(
                        "has no initializer embeddings.word_embeddings.weight: not a BERT encoder");
        assertNothingLeftBehind();
    }

    /** ModelProto{graph{initializer{dims: [2], data_type: FLOAT, name, raw_data: 8 bytes}}}. */
    private static byte[] onnxWithOneInitializer(String name) throws IOException {
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        tensor.write(new byte[] {0x08, 0x02}); // dims = 2
        tensor.write(new byte[] {0x10, 0x01}); // data_type = FLOAT
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        tensor.write(0x42); // name (8 << 3 | 2)
        tensor.write(n.length);
        tensor.write(n);
        tensor.write(0x4a); // raw_data (9 << 3 | 2)
        tensor.write(8);
        tensor.write(
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(1)
                        .putFloat(2)
                        .array());
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        graph.write(0x2a); // initializer (5 << 3 | 2)
        graph.write(tensor.size());
        tensor.writeTo(graph);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.write(new byte[] {0x08, 0x07}); // ir_version 7
        model.write(0x3a); // graph (7 << 3 | 2)
        model.write(graph.size());
        graph.writeTo(model);
        return model.toByteArray();
    }
}
