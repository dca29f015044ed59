package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spanloop.qa.ModelArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the importer needs to know of a HuggingFace {@code tokenizer.json}: how many ids it produces
 * (must equal the model's vocabulary), whether it lower-cases, and its special tokens (from its
 * post-processor, else the architecture's usual ones) with their ids.
 */
record TokenizerFacts(
        int vocabSize,
        boolean lowerCase,
        String clsToken,
        String sepToken,
        String padToken,
        int clsId,
        int sepId,
        int padId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static TokenizerFacts read(Path file, ModelArchitecture arch) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ModelImportException(file + " does not exist");
        } catch (IOException e) {
            throw new ModelImportException(
                    file + " is not a valid tokenizer.json (JSON): " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new ModelImportException(
                    file + " is not a HuggingFace tokenizer.json (no \"model\" object)");
        }
        Map<String, Integer> ids = new HashMap<>();
        int maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) { // WordPiece, BPE, WordLevel: token -> id
            for (var it = vocab.fields(); it.hasNext(); ) {
                var e = it.next();
                int id = e.getValue().asInt(-1);
                ids.put(e.getKey(), id);
                maxId = Math.max(maxId, id);
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the index
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
            }
            maxId = vocab.size() - 1;
        } else {
            throw new ModelImportException(file + " has no model.vocab");
        }
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            ids.put(added.path("content").asText(), id);
            maxId = Math.max(maxId, id);
        }
        boolean roberta = arch == ModelArchitecture.ROBERTA;
        String cls = roberta ? "<s>" : "[CLS]";
        String sep = roberta ? "</s>" : "[SEP]";
        String[] fromProcessor = specialTokens(root.path("post_processor"));
        if (fromProcessor != null) {
            cls = fromProcessor[0];
            sep = fromProcessor[1];
        }
        String pad = root.path("padding").path("pad_token").asText(roberta ? "<pad>" : "[PAD]");
        for (String token : new String[] {cls, sep, pad}) {
            if (!ids.containsKey(token)) {
                throw new ModelImportException(
                        file
                                + " has no token "
                                + token
                                + " (the "
                                + arch
                                + " special tokens are "
                                + (roberta ? "<s>, </s>, <pad>" : "[CLS], [SEP], [PAD]")
                                + ")");
            }
        }
        return new TokenizerFacts(
                maxId + 1,
                lowerCases(root.path("normalizer")),
                cls,
                sep,
                pad,
                ids.get(cls),
                ids.get(sep),
                ids.get(pad));
    }

    /** {cls, sep} named by a post-processor, or null. */
    private static String[] specialTokens(JsonNode processor) {
        String type = processor.path("type").asText("");
        switch (type) {
            case "BertProcessing", "RobertaProcessing" -> {
                String cls = processor.path("cls").path(0).asText(null);
                String sep = processor.path("sep").path(0).asText(null);
                return cls == null || sep == null ? null : new String[] {cls, sep};
            }
            case "TemplateProcessing" -> {
                JsonNode single = processor.path("single");
                String first = null;
                String last = null;
                for (JsonNode piece : single) {
                    JsonNode special = piece.path("SpecialToken");
                    if (special.isObject()) {
                        String id = special.path("id").asText();
                        if (first == null) {
                            first = id;
                        }
                        last = id;
                    }
                }
                return first == null || first.equals(last) ? null : new String[] {first, last};
            }
            case "Sequence" -> {
                for (JsonNode inner : processor.path("processors")) {
                    String[] found = specialTokens(inner);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private static boolean lowerCases(JsonNode normalizer) {
        String type = normalizer.path("type").asText("");
        return switch (type) {
            case "BertNormalizer" -> normalizer.path("lowercase").asBoolean(true);
            case "Lowercase" -> true;
            case "Sequence" -> {
                for (JsonNode inner : normalizer.path("normalizers")) {
                    if (lowerCases(inner)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }
}
