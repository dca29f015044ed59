package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.qa.ModelArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A HuggingFace checkpoint directory as {@code save_pretrained} writes it: {@code config.json},
 * {@code model.safetensors} (or shards listed by {@code model.safetensors.index.json}) and the fast
 * tokenizer's {@code tokenizer.json}.
 */
final class HuggingFaceCheckpoint implements AutoCloseable {

    static final String CONFIG = "config.json";
    static final String SAFETENSORS = "model.safetensors";
    static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    static final String TOKENIZER = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String modelType;
    private final List<String> architectures;
    private final EncoderSpec spec;
    private final TensorSource weights;
    private final List<Path> files;

    private HuggingFaceCheckpoint(
            Path dir,
            String modelType,
            List<String> architectures,
            EncoderSpec spec,
            TensorSource weights,
            List<Path> files) {
        this.dir = dir;
        this.modelType = modelType;
        this.architectures = architectures;
        this.spec = spec;
        this.weights = weights;
        this.files = files;
    }

    static HuggingFaceCheckpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelImportException("checkpoint directory " + dir + " does not exist");
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelImportException(
                    dir
                            + " has no "
                            + CONFIG
                            + " (HuggingFace's model config, written by save_pretrained)");
        }
        JsonNode config;
        try {
            config = JSON.readTree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            throw new ModelImportException(configFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new ModelImportException(configFile + " is not a JSON object");
        }
        String modelType = config.path("model_type").asText("");
        ModelArchitecture arch = architecture(configFile, modelType);
        List<String> architectures = new ArrayList<>();
        config.path("architectures").forEach(a -> architectures.add(a.asText()));
        EncoderSpec spec;
        try {
            spec = spec(configFile, config, arch);
        } catch (ModelImportException e) {
            if (e.getMessage().startsWith(configFile.toString())) {
                throw e;
            }
            throw new ModelImportException(configFile + ": " + e.getMessage(), e);
        }
        Path tokenizer = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw missingTokenizer(dir);
        }
        List<Path> files = new ArrayList<>(List.of(configFile, tokenizer));
        TensorSource weights = weights(dir, files);
        return new HuggingFaceCheckpoint(dir, modelType, architectures, spec, weights, files);
    }

    private static ModelArchitecture architecture(Path configFile, String modelType) {
        return switch (modelType) {
            case "bert" -> ModelArchitecture.BERT;
            case "roberta" -> ModelArchitecture.ROBERTA;
            case "distilbert" -> ModelArchitecture.DISTILBERT;
            case "" ->
                    throw new ModelImportException(
                            configFile + " has no model_type (bert, roberta or distilbert)");
            default ->
                    throw new ModelImportException(
                            configFile
                                    + ": model_type '"
                                    + modelType
                                    + "' is not supported (supported: bert, roberta,"
                                    + " distilbert)");
        };
    }

    private static EncoderSpec spec(Path configFile, JsonNode c, ModelArchitecture arch) {
        if (c.path("is_decoder").asBoolean(false)
                || c.path("add_cross_attention").asBoolean(false)) {
            throw new ModelImportException(
                    configFile + " describes a decoder; only encoders can be imported");
        }
        String positions = c.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new ModelImportException(
                    configFile
                            + ": position_embedding_type '"
                            + positions
                            + "' is not supported (only absolute)");
        }
        if (arch == ModelArchitecture.DISTILBERT) {
            return new EncoderSpec(
                    arch,
                    required(configFile, c, "vocab_size"),
                    required(configFile, c, "dim"),
                    required(configFile, c, "n_layers"),
                    required(configFile, c, "n_heads"),
                    required(configFile, c, "hidden_dim"),
                    required(configFile, c, "max_position_embeddings"),
                    0,
                    1e-12,
                    c.path("activation").asText("gelu"),
                    c.path("dropout").asDouble(0.1),
                    c.path("attention_dropout").asDouble(0.1),
                    c.path("qa_dropout").asDouble(0.1),
                    c.path("pad_token_id").asInt(0));
        }
        boolean roberta = arch == ModelArchitecture.ROBERTA;
        return new EncoderSpec(
                arch,
                required(configFile, c, "vocab_size"),
                required(configFile, c, "hidden_size"),
                required(configFile, c, "num_hidden_layers"),
                required(configFile, c, "num_attention_heads"),
                required(configFile, c, "intermediate_size"),
                required(configFile, c, "max_position_embeddings"),
                c.path("type_vocab_size").asInt(2),
                c.path("layer_norm_eps").asDouble(1e-12),
                c.path("hidden_act").asText("gelu"),
                c.path("hidden_dropout_prob").asDouble(0.1),
                c.path("attention_probs_dropout_prob").asDouble(0.1),
                0.0,
                c.path("pad_token_id").asInt(roberta ? 1 : 0));
    }

    private static int required(Path configFile, JsonNode c, String key) {
        JsonNode node = c.get(key);
        if (node == null || !node.canConvertToInt()) {
            throw new ModelImportException(
                    configFile
                            + " has no integer "
                            + key
                            + (node == null ? "" : " (was " + node + ")"));
        }
        return node.asInt();
    }

    private static ModelImportException missingTokenizer(Path dir) {
        boolean slow =
                Files.exists(dir.resolve("vocab.txt"))
                        || Files.exists(dir.resolve("vocab.json"))
                        || Files.exists(dir.resolve("sentencepiece.bpe.model"));
        String how =
                "python -c \"from transformers import AutoTokenizer;"
                        + " AutoTokenizer.from_pretrained('"
                        + dir
                        + "').save_pretrained('"
                        + dir
                        + "')\"";
        return new ModelImportException(
                dir
                        + " has no "
                        + TOKENIZER
                        + (slow
                                ? " (only the slow tokenizer's vocabulary files); write it with "
                                        + how
                                : "; it is HuggingFace's fast tokenizer file, written with "
                                        + how));
    }

    private static TensorSource weights(Path dir, List<Path> files) {
        Path single = dir.resolve(SAFETENSORS);
        if (Files.isRegularFile(single)) {
            files.add(single);
            return SafetensorsReader.open(single);
        }
        Path index = dir.resolve(SAFETENSORS_INDEX);
        if (Files.isRegularFile(index)) {
            return sharded(dir, index, files);
        }
        String convert =
                "python -c \"from transformers import AutoModel;"
                        + " AutoModel.from_pretrained('"
                        + dir
                        + "').save_pretrained('"
                        + dir
                        + "', safe_serialization=True)\"";
        for (String other :
                new String[] {
                    "pytorch_model.bin",
                    "pytorch_model.bin.index.json",
                    "tf_model.h5",
                    "flax_model.msgpack"
                }) {
            if (Files.exists(dir.resolve(other))) {
                throw new ModelImportException(
                        dir
                                + " has its weights only as "
                                + other
                                + ", which is not read (a pickle can run code); save them as "
                                + SAFETENSORS
                                + " with "
                                + convert
                                + " (for a *ForQuestionAnswering checkpoint use"
                                + " AutoModelForQuestionAnswering)");
            }
        }
        throw new ModelImportException(dir + " has no " + SAFETENSORS + " (the model's weights)");
    }

    private static TensorSource sharded(Path dir, Path index, List<Path> files) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw new ModelImportException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelImportException(index + " has no weight_map");
        }
        files.add(index);
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        Map<String, SafetensorsReader> byName = new LinkedHashMap<>();
        try {
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                String shard = e.getValue().asText();
                SafetensorsReader reader = shards.get(shard);
                if (reader == null) {
                    Path file = dir.resolve(shard).normalize();
                    if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                        throw new ModelImportException(
                                index + " names shard " + shard + ", which is not in " + dir);
                    }
                    reader = SafetensorsReader.open(file);
                    shards.put(shard, reader);
                    files.add(file);
                }
                if (!reader.contains(e.getKey())) {
                    throw new ModelImportException(
                            index + " puts " + e.getKey() + " in " + shard + ", which lacks it");
                }
                byName.put(e.getKey(), reader);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsReader::close);
            throw e;
        }
        return new Shards(index.toString(), byName, List.copyOf(shards.values()));
    }

    /** Tensors spread over several safetensors files. */
    private record Shards(
            String describe, Map<String, SafetensorsReader> byName, List<SafetensorsReader> readers)
            implements TensorSource {

        @Override
        public List<String> names() {
            return new ArrayList<>(byName.keySet());
        }

        @Override
        public boolean contains(String name) {
            return byName.containsKey(name);
        }

        @Override
        public long[] shape(String name) {
            return reader(name).shape(name);
        }

        @Override
        public FloatTensor read(String name) {
            return reader(name).read(name);
        }

        private SafetensorsReader reader(String name) {
            SafetensorsReader reader = byName.get(name);
            if (reader == null) {
                throw new ModelImportException(describe + " lists no tensor " + name);
            }
            return reader;
        }
    }

    Path dir() {
        return dir;
    }

    String modelType() {
        return modelType;
    }

    List<String> architectures() {
        return architectures;
    }

    /** Whether config.json says the checkpoint is a *ForQuestionAnswering model. */
    boolean isQuestionAnswering() {
        return architectures.stream()
                .anyMatch(a -> a.toLowerCase(Locale.ROOT).endsWith("forquestionanswering"));
    }

    EncoderSpec spec() {
        return spec;
    }

    TensorSource weights() {
        return weights;
    }

    Path tokenizer() {
        return dir.resolve(TOKENIZER);
    }

    /** The files the import reads (to record their hashes). */
    List<Path> files() {
        return files;
    }

    @Override
    public void close() {
        if (weights instanceof SafetensorsReader reader) {
            reader.close();
        } else if (weights instanceof Shards shards) {
            shards.readers().forEach(SafetensorsReader::close);
        }
    }
}
