package io.spanloop.qa.imports;

import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.FileOps;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelConfig;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a pretrained HuggingFace encoder into a spanloop model version directory ({@code model.pt},
 * {@code tokenizer.json}, {@code config.json}, {@code metadata.json}), in Java only: the
 * architecture's template (a small scripted QA module shipped as a resource) is loaded with DJL,
 * every parameter is replaced by the pretrained tensor, and the grown module is saved as
 * TorchScript. The result loads with {@link DjlQaModel#load(ModelDirectory)} and fine-tunes with
 * {@link io.spanloop.qa.FineTuner}.
 *
 * <p>Sources: a HF checkpoint directory ({@link #importHuggingFace}: {@code config.json} with
 * model_type bert, roberta or distilbert, {@code model.safetensors}, {@code tokenizer.json}),
 * either a base encoder (a QA head is initialised from {@link ImportOptions#qaHeadSeed()}) or a
 * {@code *ForQuestionAnswering} model (its {@code qa_outputs} are kept); or a BERT encoder exported
 * to ONNX with its {@code tokenizer.json} ({@link #importOnnx}).
 *
 * <p>Everything is checked before anything is written (tensor names and shapes against the config,
 * the tokenizer's vocabulary against the embeddings); the version is staged in a hidden directory
 * next to the target, reloaded and asked a question, and only then renamed into place atomically.
 * On any failure the staging directory (and any directory the import created) is removed ({@link
 * ModelStore#publish}, the one way a version directory comes to exist): a version directory that
 * exists is complete.
 */
public final class ModelImporter {

    private static final Logger LOG = LoggerFactory.getLogger(ModelImporter.class);

    private final ImportOptions options;

    public ModelImporter() {
        this(ImportOptions.DEFAULTS);
    }

    public ModelImporter(ImportOptions options) {
        this.options = options;
    }

    public ImportOptions options() {
        return options;
    }

    /**
     * Imports a HuggingFace checkpoint directory.
     *
     * @param checkpointDir holds {@code config.json}, {@code model.safetensors} (or its sharded
     *     index) and {@code tokenizer.json}
     * @param versionDir the version directory to write, {@code <store>/<model>/<version>}; it must
     *     not exist
     * @throws ModelImportException when the checkpoint cannot be imported (nothing is left behind)
     */
    public ImportedModel importHuggingFace(Path checkpointDir, Path versionDir) {
        long begin = System.nanoTime();
        ImportTarget target = ImportTarget.of(versionDir, options);
        Path dir = checkpointDir.toAbsolutePath().normalize();
        try (HuggingFaceCheckpoint checkpoint = HuggingFaceCheckpoint.open(dir)) {
            EncoderSpec spec = checkpoint.spec();
            Layout layout = Layout.of(spec.arch());
            TokenizerFacts tokenizer = TokenizerFacts.read(checkpoint.tokenizer(), spec.arch());
            ImportPlan plan =
                    ImportPlan.of(
                            spec, layout, checkpoint.weights(), checkpoint.isQuestionAnswering());
            TokenizerChecks.checkVocabulary(
                    spec, tokenizer, checkpoint.tokenizer(), checkpoint.weights());
            TokenizerChecks.checkPadding(spec, tokenizer, checkpoint.tokenizer());
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("format", "huggingface");
            source.put("path", dir.toString());
            source.put("model_type", checkpoint.modelType());
            source.put("architectures", checkpoint.architectures());
            return write(
                    target,
                    spec,
                    layout,
                    plan,
                    tokenizer,
                    checkpoint.tokenizer(),
                    new ImportMetadata.Source(source, checkpoint.files(), dir),
                    begin);
        }
    }

    /**
     * Imports a BERT encoder exported to ONNX by PyTorch (HF initializer names for embeddings,
     * biases and LayerNorms; anonymous MatMul weights are mapped through the graph, see {@link
     * OnnxWeights}). The layer count and sizes come from the tensors' shapes; the number of
     * attention heads, the LayerNorm epsilon and the activation from the graph (heads can be given
     * as {@link ImportOptions#attentionHeads()}). A new QA head is initialised.
     *
     * @throws ModelImportException when the model cannot be imported (nothing is left behind)
     */
    public ImportedModel importOnnx(Path onnxFile, Path tokenizerJson, Path versionDir) {
        return importOnnx(onnxFile, tokenizerJson, versionDir, Map.of());
    }

    /**
     * Imports the ONNX BERT encoder packaged in a jar, e.g. a model artifact from Maven Central
     * ({@link MavenJar}): its one {@code .onnx} entry and its {@code *tokenizer.json} entry are
     * read from the jar, and {@code origin} (e.g. the Maven coordinates) is recorded as where the
     * model came from. See {@link #importOnnx(Path, Path, Path)}.
     *
     * @throws ModelImportException when the jar holds no (or more than one) model or tokenizer, or
     *     the model cannot be imported (nothing is left behind)
     */
    public ImportedModel importOnnxJar(Path jar, String origin, Path versionDir) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("spanloop-import-");
        } catch (IOException e) {
            throw new ModelImportException("cannot create a scratch directory: " + e, e);
        }
        try {
            JarModel extracted = JarModel.extract(jar, scratch);
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("origin", origin);
            source.put("jar", jar.toAbsolutePath().toString());
            source.put("jar_sha256", ModelStore.sha256(jar));
            source.put("entries", List.of(extracted.onnxEntry(), extracted.tokenizerEntry()));
            return importOnnx(extracted.onnx(), extracted.tokenizer(), versionDir, source);
        } finally {
            try {
                FileOps.deleteRecursively(scratch);
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", scratch, e.toString());
            }
        }
    }

    private ImportedModel importOnnx(
            Path onnxFile, Path tokenizerJson, Path versionDir, Map<String, Object> origin) {
        long begin = System.nanoTime();
        ImportTarget target = ImportTarget.of(versionDir, options);
        Path file = onnxFile.toAbsolutePath().normalize();
        Path tokenizerFile = tokenizerJson.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new ModelImportException(file + " does not exist");
        }
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ModelImportException(
                    tokenizerFile + " does not exist (the model's HuggingFace tokenizer.json)");
        }
        OnnxWeights onnx = OnnxWeights.read(file);
        TokenizerFacts tokenizer = TokenizerFacts.read(tokenizerFile, ModelArchitecture.BERT);
        EncoderSpec spec = OnnxEncoderSpec.of(onnx, tokenizer, options);
        Layout layout = Layout.of(spec.arch());
        ImportPlan plan = ImportPlan.of(spec, layout, onnx, false);
        TokenizerChecks.checkVocabulary(spec, tokenizer, tokenizerFile, onnx);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("format", "onnx");
        source.put("path", file.toString());
        source.put("producer", onnx.producer());
        source.putAll(origin);
        Path base = file.getParent();
        return write(
                target,
                spec,
                layout,
                plan,
                tokenizer,
                tokenizerFile,
                new ImportMetadata.Source(source, List.of(file, tokenizerFile), base),
                begin);
    }

    /**
     * Stages the version (template grown, tokenizer, config, reload check, metadata) and publishes
     * it; on failure removes what the import created.
     */
    private ImportedModel write(
            ImportTarget target,
            EncoderSpec spec,
            Layout layout,
            ImportPlan plan,
            TokenizerFacts tokenizer,
            Path tokenizerFile,
            ImportMetadata.Source source,
            long begin) {
        ModelConfig config = SpanloopConfigs.of(spec, tokenizer, target.modelName(), options);
        List<Path> created = new ArrayList<>();
        try {
            target.createParents(created);
            ModelStore.publish(
                    target.path(),
                    false,
                    dir -> {
                        long[][][] probe = TemplateGrowth.probe(spec, tokenizer);
                        float[] expected =
                                TemplateGrowth.grow(
                                        spec,
                                        layout,
                                        plan,
                                        options.qaHeadSeed(),
                                        dir.getParent(),
                                        dir,
                                        probe);
                        Files.copy(tokenizerFile, dir.resolve(ModelDirectory.TOKENIZER_FILE));
                        SpanloopConfigs.write(config, dir);
                        if (options.verify()) {
                            TemplateGrowth.verify(layout, dir, probe, expected);
                        }
                        ImportMetadata.write(dir, target, spec, plan, options.qaHeadSeed(), source);
                    });
        } catch (IOException | RuntimeException | Error e) {
            ImportTarget.removeCreated(created);
            throw target.failure(e);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        LOG.info(
                "Imported {} ({} {} layers, hidden {}, {} parameters, QA head {}) as {} in {}s",
                source.description().get("path"),
                layout.prefix(),
                spec.numLayers(),
                spec.hiddenSize(),
                plan.parameters(),
                plan.qaFromCheckpoint() ? "from the checkpoint" : "new",
                target.path(),
                String.format(Locale.ROOT, "%.1f", seconds));
        return new ImportedModel(
                ModelDirectory.open(target.path()),
                spec,
                plan.qaFromCheckpoint(),
                plan.parameters(),
                plan.ignored(),
                seconds);
    }
}
