package io.spanloop.qa.imports;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spanloop.qa.DeviceSpec;
import io.spanloop.qa.DjlQaModel;
import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.FileOps;
import io.spanloop.qa.InvalidModelException;
import io.spanloop.qa.ModelArchitecture;
import io.spanloop.qa.ModelConfig;
import io.spanloop.qa.ModelDirectory;
import io.spanloop.qa.ModelStore;
import io.spanloop.qa.QaModelOptions;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,18}");
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Tolerance between the grown module in memory and the file it was saved to. */
    private static final float RELOAD_TOLERANCE = 1e-5f;

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
        Target target = Target.of(versionDir, options);
        Path dir = checkpointDir.toAbsolutePath().normalize();
        try (HuggingFaceCheckpoint checkpoint = HuggingFaceCheckpoint.open(dir)) {
            EncoderSpec spec = checkpoint.spec();
            Layout layout = Layout.of(spec.arch());
            TokenizerFacts tokenizer = TokenizerFacts.read(checkpoint.tokenizer(), spec.arch());
            Plan plan = plan(spec, layout, checkpoint.weights(), checkpoint.isQuestionAnswering());
            checkVocabulary(spec, tokenizer, checkpoint.tokenizer(), checkpoint.weights());
            checkPadding(spec, tokenizer, checkpoint.tokenizer());
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
                    source,
                    checkpoint.files(),
                    dir,
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
        Target target = Target.of(versionDir, options);
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
        EncoderSpec spec = onnxSpec(onnx, tokenizer);
        Layout layout = Layout.of(spec.arch());
        Plan plan = plan(spec, layout, onnx, false);
        checkVocabulary(spec, tokenizer, tokenizerFile, onnx);
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
                source,
                List.of(file, tokenizerFile),
                base,
                begin);
    }

    // ---------------------------------------------------------------------------------------
    // Checks

    /** Where the version goes: an absolute path whose name is a version number. */
    private record Target(Path path, Path parent, long version, String modelName) {

        static Target of(Path versionDir, ImportOptions options) {
            Path path = versionDir.toAbsolutePath().normalize();
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (!VERSION.matcher(name).matches()) {
                throw new ModelImportException(
                        "a model version directory is named by its version number (1, 2, ...),"
                                + " not '"
                                + name
                                + "'");
            }
            if (Files.exists(path)) {
                throw new ModelImportException(
                        path + " already exists (model versions are immutable)");
            }
            Path parent = path.getParent();
            String modelName =
                    options.modelName() != null
                            ? options.modelName()
                            : parent.getFileName() == null ? "" : parent.getFileName().toString();
            if (!MODEL_NAME.matcher(modelName).matches()) {
                throw new ModelImportException(
                        "a model name is letters, digits, '.', '_' and '-', not starting with"
                                + " '.' or '-': '"
                                + modelName
                                + "' (set ImportOptions.modelName or put the version in"
                                + " <store>/<model-name>/<version>)");
            }
            return new Target(path, parent, Long.parseLong(name), modelName);
        }
    }

    /**
     * What to copy from the source: every tensor checked to exist with the shape the spec implies.
     */
    private record Plan(
            TensorSource source,
            String prefix,
            boolean qaFromCheckpoint,
            long parameters,
            List<String> ignored) {}

    private static Plan plan(
            EncoderSpec spec, Layout layout, TensorSource source, boolean saysQuestionAnswering) {
        String prefix = prefix(layout, source);
        int layers = layerCount(layout, source, prefix);
        if (layers != spec.numLayers()) {
            throw new ModelImportException(
                    source.describe()
                            + " has "
                            + layers
                            + " layers ("
                            + prefix
                            + layout.layers()
                            + ".N.*) but the config says num_hidden_layers = "
                            + spec.numLayers()
                            + ": the config does not belong to these weights");
        }
        Set<String> used = new HashSet<>();
        long parameters = 0;
        boolean hasWeight = source.contains(Layout.QA_WEIGHT);
        boolean hasBias = source.contains(Layout.QA_BIAS);
        if (hasWeight != hasBias) {
            throw new ModelImportException(
                    source.describe()
                            + " has "
                            + (hasWeight ? Layout.QA_WEIGHT : Layout.QA_BIAS)
                            + " but not "
                            + (hasWeight ? Layout.QA_BIAS : Layout.QA_WEIGHT));
        }
        if (saysQuestionAnswering && !hasWeight) {
            throw new ModelImportException(
                    "the config names a *ForQuestionAnswering model but "
                            + source.describe()
                            + " has no qa_outputs.weight");
        }
        for (Layout.Slot slot : layout.slots()) {
            boolean head = slot.hfName().startsWith("qa_outputs.");
            if (head && !hasWeight) {
                parameters += FloatTensor.elements(slot.shape().apply(spec));
                continue;
            }
            int count = slot.stacked() ? spec.numLayers() : 1;
            for (int i = 0; i < count; i++) {
                String name = slot.sourceName(prefix, layout.layers(), i);
                long[] expected = slot.shape().apply(spec);
                if (!source.contains(name)) {
                    throw new ModelImportException(
                            source.describe()
                                    + " has no tensor "
                                    + name
                                    + ", which a "
                                    + layout.prefix()
                                    + " model needs (is it a "
                                    + layout.prefix()
                                    + " checkpoint?)");
                }
                long[] actual = source.shape(name);
                if (!Arrays.equals(actual, expected)) {
                    throw new ModelImportException(
                            "tensor "
                                    + name
                                    + " of "
                                    + source.describe()
                                    + " is "
                                    + Arrays.toString(actual)
                                    + ", but the config ("
                                    + summary(spec)
                                    + ") makes it "
                                    + Arrays.toString(expected)
                                    + ": the config does not belong to these weights");
                }
                used.add(name);
                parameters += FloatTensor.elements(expected);
            }
        }
        List<String> ignored = new ArrayList<>();
        for (String name : source.names()) {
            if (!used.contains(name)) {
                ignored.add(name);
            }
        }
        return new Plan(source, prefix, hasWeight, parameters, ignored);
    }

    /** "bert." when the names carry the model prefix (a *For* checkpoint), else "". */
    private static String prefix(Layout layout, TensorSource source) {
        String word = "embeddings.word_embeddings.weight";
        String prefixed = layout.prefix() + ".";
        if (source.contains(prefixed + word)) {
            return prefixed;
        }
        if (source.contains(word)) {
            return "";
        }
        List<String> some = source.names().subList(0, Math.min(5, source.names().size()));
        throw new ModelImportException(
                source.describe()
                        + " has neither "
                        + prefixed
                        + word
                        + " nor "
                        + word
                        + ": not a "
                        + layout.prefix()
                        + " checkpoint (its first tensors: "
                        + some
                        + ")");
    }

    private static int layerCount(Layout layout, TensorSource source, String prefix) {
        Pattern layer =
                Pattern.compile(Pattern.quote(prefix + layout.layers() + ".") + "(\\d+)\\..*");
        int max = -1;
        for (String name : source.names()) {
            Matcher m = layer.matcher(name);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    private static String summary(EncoderSpec spec) {
        StringBuilder s = new StringBuilder();
        s.append("hidden_size ").append(spec.hiddenSize());
        s.append(", intermediate_size ").append(spec.intermediateSize());
        s.append(", vocab_size ").append(spec.vocabSize());
        s.append(", max_position_embeddings ").append(spec.maxPositionEmbeddings());
        if (spec.arch() != ModelArchitecture.DISTILBERT) {
            s.append(", type_vocab_size ").append(spec.typeVocabSize());
        }
        return s.toString();
    }

    private static void checkVocabulary(
            EncoderSpec spec, TokenizerFacts tokenizer, Path tokenizerFile, TensorSource source) {
        if (tokenizer.vocabSize() != spec.vocabSize()) {
            throw new ModelImportException(
                    tokenizerFile
                            + " has "
                            + tokenizer.vocabSize()
                            + " token ids but the model's word embeddings ("
                            + source.describe()
                            + ") have "
                            + spec.vocabSize()
                            + " rows: the tokenizer does not belong to the model");
        }
    }

    private static void checkPadding(
            EncoderSpec spec, TokenizerFacts tokenizer, Path tokenizerFile) {
        if (spec.padTokenId() == tokenizer.padId()) {
            return;
        }
        if (spec.arch() == ModelArchitecture.ROBERTA) {
            // RoBERTa's position ids skip the pad id: the model and the batches must agree on it
            throw new ModelImportException(
                    "config.json says pad_token_id "
                            + spec.padTokenId()
                            + " but "
                            + tokenizerFile
                            + " pads with "
                            + tokenizer.padToken()
                            + " = "
                            + tokenizer.padId());
        }
        LOG.warn(
                "config.json says pad_token_id {} but {} pads with {} = {}; keeping the config's",
                spec.padTokenId(),
                tokenizerFile,
                tokenizer.padToken(),
                tokenizer.padId());
    }

    private EncoderSpec onnxSpec(OnnxWeights onnx, TokenizerFacts tokenizer) {
        String word = "embeddings.word_embeddings.weight";
        String prefix = onnx.contains("bert." + word) ? "bert." : "";
        if (!onnx.contains(prefix + word)) {
            throw new ModelImportException(
                    onnx.describe()
                            + " has no initializer "
                            + word
                            + ": not a BERT encoder exported from HuggingFace (an export that"
                            + " keeps HF parameter names is needed)");
        }
        if (onnx.count("CumSum") > 0) {
            throw new ModelImportException(
                    onnx.describe()
                            + " computes position ids with CumSum, as RoBERTa does; only BERT"
                            + " encoders are imported from ONNX (import the HF checkpoint"
                            + " directory instead)");
        }
        String types = prefix + "embeddings.token_type_embeddings.weight";
        if (!onnx.contains(types)) {
            throw new ModelImportException(
                    onnx.describe()
                            + " has no "
                            + types
                            + ": only BERT encoders are imported from ONNX");
        }
        String intermediate = prefix + "encoder.layer.0.intermediate.dense.bias";
        if (!onnx.contains(intermediate)) {
            throw new ModelImportException(
                    onnx.describe() + " has no " + intermediate + ": not a BERT encoder");
        }
        long[] embeddings = onnx.shape(prefix + word);
        long[] positions = onnx.shape(prefix + "embeddings.position_embeddings.weight");
        int hidden = (int) embeddings[1];
        int heads;
        if (options.attentionHeads() > 0) {
            heads = options.attentionHeads();
        } else {
            heads =
                    onnx.attentionHeads(hidden)
                            .orElseThrow(
                                    () ->
                                            new ModelImportException(
                                                    "cannot tell the number of attention heads"
                                                            + " of "
                                                            + onnx.describe()
                                                            + " from its graph; give it with"
                                                            + " ImportOptions.withAttentionHeads"));
        }
        int layers = layerCount(Layout.of(ModelArchitecture.BERT), onnx, prefix);
        return new EncoderSpec(
                ModelArchitecture.BERT,
                (int) embeddings[0],
                hidden,
                layers,
                heads,
                (int) onnx.shape(intermediate)[0],
                (int) positions[0],
                (int) onnx.shape(types)[0],
                onnx.layerNormEps().orElse(1e-12),
                onnx.hiddenAct().orElse("gelu"),
                0.1,
                0.1,
                0.0,
                tokenizer.padId());
    }

    /** The spanloop config of the imported model (validated by {@link ModelConfig} itself). */
    private ModelConfig config(EncoderSpec spec, TokenizerFacts tokenizer, String modelName) {
        if (options.maxSeqLength() > spec.usablePositions()) {
            throw new ModelImportException(
                    "max_seq_length "
                            + options.maxSeqLength()
                            + " is more than the "
                            + spec.usablePositions()
                            + " positions the model has; choose ImportOptions.withMaxSeqLength("
                            + spec.usablePositions()
                            + ") or less");
        }
        List<String> inputs =
                spec.arch() == ModelArchitecture.BERT
                        ? List.of(
                                ModelConfig.INPUT_IDS,
                                ModelConfig.ATTENTION_MASK,
                                ModelConfig.TOKEN_TYPE_IDS)
                        : List.of(ModelConfig.INPUT_IDS, ModelConfig.ATTENTION_MASK);
        try {
            return new ModelConfig(
                    modelName,
                    spec.arch(),
                    inputs,
                    tokenizer.lowerCase(),
                    options.maxSeqLength(),
                    options.effectiveStride(),
                    options.effectiveMaxQueryLength(),
                    options.maxAnswerLength(),
                    options.supportsNullAnswer(),
                    options.nullScoreMargin(),
                    tokenizer.clsToken(),
                    tokenizer.sepToken(),
                    tokenizer.padToken());
        } catch (InvalidModelException e) {
            throw new ModelImportException("invalid import options: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Writing

    private ImportedModel write(
            Target target,
            EncoderSpec spec,
            Layout layout,
            Plan plan,
            TokenizerFacts tokenizer,
            Path tokenizerFile,
            Map<String, Object> source,
            List<Path> sourceFiles,
            Path sourceBase,
            long begin) {
        ModelConfig config = config(spec, tokenizer, target.modelName());
        List<Path> created = new ArrayList<>();
        try {
            createDirectories(target.parent(), created);
            ModelStore.publish(
                    target.path(),
                    false,
                    dir -> {
                        long[][][] probe = probe(spec, tokenizer);
                        float[] expected = grow(spec, layout, plan, dir.getParent(), dir, probe);
                        Files.copy(tokenizerFile, dir.resolve(ModelDirectory.TOKENIZER_FILE));
                        JSON.writeValue(
                                dir.resolve(ModelDirectory.CONFIG_FILE).toFile(),
                                configJson(config));
                        if (options.verify()) {
                            verify(layout, dir, probe, expected);
                        }
                        writeMetadata(dir, target, spec, plan, source, sourceFiles, sourceBase);
                    });
        } catch (IOException | RuntimeException | Error e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(created.get(i)); // only if still empty
                } catch (IOException ignored) {
                    // someone else put something there: keep it
                }
            }
            throw wrap(e, target);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        LOG.info(
                "Imported {} ({} {} layers, hidden {}, {} parameters, QA head {}) as {} in {}s",
                source.get("path"),
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

    private static RuntimeException wrap(Throwable e, Target target) {
        if (e instanceof ModelImportException m) {
            return m;
        }
        if (e instanceof Error error) {
            throw error;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof FileAlreadyExistsException) {
            return new ModelImportException(
                    target.path() + " already exists (model versions are immutable)", e);
        }
        if (e instanceof IOException) {
            return new ModelImportException("cannot write " + target.path() + ": " + message, e);
        }
        if (e instanceof InvalidModelException) {
            return new ModelImportException("the imported model does not load: " + message, e);
        }
        if (e instanceof EngineException) {
            return new ModelImportException("PyTorch failed while importing: " + message, e);
        }
        return (RuntimeException) e;
    }

    /** Loads the template, fills it, saves it; returns its hidden states on the probe. */
    private float[] grow(
            EncoderSpec spec, Layout layout, Plan plan, Path scratch, Path dir, long[][][] probe)
            throws IOException {
        try (PtNDManager manager =
                        (PtNDManager)
                                NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
                TemplateModule module = TemplateModule.load(layout, manager, scratch)) {
            TensorSource source = plan.source();
            for (Layout.Slot slot : layout.slots()) {
                String name = slot.templateName();
                long[] shape = slot.shape().apply(spec);
                if (slot.hfName().startsWith("qa_outputs.") && !plan.qaFromCheckpoint()) {
                    module.assign(name, newHead(name, shape, options.qaHeadSeed()));
                } else if (slot.stacked()) {
                    long[] stacked = new long[shape.length + 1];
                    stacked[0] = spec.numLayers();
                    System.arraycopy(shape, 0, stacked, 1, shape.length);
                    module.resize(name, stacked);
                    for (int i = 0; i < spec.numLayers(); i++) {
                        module.assignLayer(
                                name,
                                i,
                                source.read(slot.sourceName(plan.prefix(), layout.layers(), i)));
                    }
                } else {
                    module.assign(
                            name, source.read(slot.sourceName(plan.prefix(), layout.layers(), 0)));
                }
            }
            module.setInt("num_heads", spec.numAttentionHeads());
            module.setInt("activation", spec.activationCode());
            module.setInt("pad_token_id", spec.padTokenId());
            module.setFloat("layer_norm_eps", spec.layerNormEps());
            module.setFloat("hidden_dropout", spec.hiddenDropout());
            module.setFloat("attention_dropout", spec.attentionDropout());
            module.setFloat("qa_dropout", spec.qaDropout());
            float[] hidden = module.encode(probe);
            module.write(dir.resolve(ModelDirectory.MODEL_FILE));
            return hidden;
        }
    }

    /**
     * A new QA head as HF initialises one: weights normal(0, 0.02) from {@code seed}, bias 0. The
     * same seed gives the same head.
     */
    static FloatTensor newHead(String name, long[] shape, long seed) {
        float[] values = new float[(int) FloatTensor.elements(shape)];
        if (name.endsWith(".weight")) {
            Random random = new Random(seed);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.02);
            }
        }
        return new FloatTensor(name, shape, values);
    }

    /**
     * Two short sequences (the second padded) of ordinary token ids, as the template's encode takes
     * them: ids, mask and, for BERT, token types.
     */
    private static long[][][] probe(EncoderSpec spec, TokenizerFacts tokenizer) {
        Set<Long> special =
                Set.of(
                        (long) tokenizer.clsId(),
                        (long) tokenizer.sepId(),
                        (long) tokenizer.padId());
        long[] words = new long[7];
        long next = 11;
        for (int i = 0; i < words.length; i++) {
            do {
                next = (next * 31 + 7) % spec.vocabSize();
            } while (special.contains(next));
            words[i] = next;
        }
        long cls = tokenizer.clsId();
        long sep = tokenizer.sepId();
        long pad = tokenizer.padId();
        long[][] ids = {
            {cls, words[0], words[1], sep, words[2], words[3], words[4], sep},
            {cls, words[5], sep, words[6], sep, pad, pad, pad}
        };
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0}};
        long[][] types = {{0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 0, 0, 0}};
        if (spec.arch() == ModelArchitecture.BERT) {
            return new long[][][] {ids, mask, types};
        }
        return new long[][][] {ids, mask};
    }

    /** The written file must compute what the grown module computed, and answer a question. */
    private static void verify(Layout layout, Path dir, long[][][] probe, float[] expected) {
        float[] actual;
        try (PtNDManager manager =
                        (PtNDManager)
                                NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
                TemplateModule reloaded =
                        TemplateModule.open(
                                dir.resolve(ModelDirectory.MODEL_FILE), layout, manager, false)) {
            actual = reloaded.encode(probe);
        }
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (actual.length != expected.length || !(worst <= RELOAD_TOLERANCE)) {
            throw new ModelImportException(
                    "the written model.pt does not reproduce the imported model (difference "
                            + worst
                            + ")");
        }
        try (DjlQaModel model =
                DjlQaModel.load(
                        ModelDirectory.open(dir),
                        QaModelOptions.DEFAULTS.withDevice(DeviceSpec.CPU))) {
            LOG.debug("{} loads and answers", model);
        }
    }

    private static Map<String, Object> configJson(ModelConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_name", c.modelName());
        m.put("arch", c.arch().name().toLowerCase(Locale.ROOT));
        m.put("inputs", c.inputs());
        m.put("lower_case", c.lowerCase());
        m.put("max_seq_length", c.maxSeqLength());
        m.put("stride", c.stride());
        m.put("max_query_length", c.maxQueryLength());
        m.put("max_answer_length", c.maxAnswerLength());
        m.put("supports_null_answer", c.supportsNullAnswer());
        m.put("null_score_margin", c.nullScoreMargin());
        m.put("cls_token", c.clsToken());
        m.put("sep_token", c.sepToken());
        m.put("pad_token", c.padToken());
        return m;
    }

    private void writeMetadata(
            Path dir,
            Target target,
            EncoderSpec spec,
            Plan plan,
            Map<String, Object> source,
            List<Path> sourceFiles,
            Path sourceBase)
            throws IOException {
        Map<String, String> sourceHashes = new LinkedHashMap<>();
        for (Path file : sourceFiles) {
            Path name =
                    sourceBase != null && file.startsWith(sourceBase)
                            ? sourceBase.relativize(file)
                            : file.getFileName();
            sourceHashes.put(name.toString(), ModelStore.sha256(file));
        }
        Map<String, Object> imported = new LinkedHashMap<>(source);
        imported.put("sha256", sourceHashes);
        Map<String, Object> encoder = spec.describe();
        encoder.put("parameters", plan.parameters());
        Map<String, Object> head = new LinkedHashMap<>();
        if (plan.qaFromCheckpoint()) {
            head.put("source", "checkpoint");
        } else {
            head.put("source", "new");
            head.put("seed", options.qaHeadSeed());
            head.put("init", "weight normal(0, 0.02) from java.util.Random(seed), bias 0");
        }
        Map<String, String> hashes = ModelStore.hashes(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_name", target.modelName());
        json.put("version", target.version());
        json.put("created_at", Instant.now().toString());
        json.put("imported_from", imported);
        json.put("encoder", encoder);
        json.put("qa_head", head);
        json.put(
                "template",
                Map.of(
                        "name",
                        spec.arch().name().toLowerCase(Locale.ROOT),
                        "version",
                        TemplateModule.TEMPLATE_VERSION));
        json.put("ignored_tensors", plan.ignored());
        json.put("sha256", hashes);
        JSON.writeValue(dir.resolve(ModelStore.METADATA_FILE).toFile(), json);
    }

    private static void createDirectories(Path dir, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            created.add(p);
        }
    }
}
