package io.spanloop.qa.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spanloop.qa.ModelStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code metadata.json} of an imported version: where it came from (with the source files'
 * hashes), the encoder, the QA head, the template, the ignored tensors and the version's hashes.
 */
final class ImportMetadata {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What the model is imported from.
     *
     * @param description the fields of {@code imported_from} ({@code format}, {@code path}, ...)
     * @param files the files read, whose hashes are recorded
     * @param base the files are named relative to it where they are under it (may be null)
     */
    record Source(Map<String, Object> description, List<Path> files, Path base) {}

    private ImportMetadata() {}

    /** Writes the metadata of the version staged in {@code dir}, after all its other files. */
    static void write(
            Path dir,
            ImportTarget target,
            EncoderSpec spec,
            ImportPlan plan,
            long qaHeadSeed,
            Source source)
            throws IOException {
        Map<String, String> sourceHashes = new LinkedHashMap<>();
        for (Path file : source.files()) {
            Path name =
                    source.base() != null && file.startsWith(source.base())
                            ? source.base().relativize(file)
                            : file.getFileName();
            sourceHashes.put(name.toString(), ModelStore.sha256(file));
        }
        Map<String, Object> imported = new LinkedHashMap<>(source.description());
        imported.put("sha256", sourceHashes);
        Map<String, Object> encoder = spec.describe();
        encoder.put("parameters", plan.parameters());
        Map<String, Object> head = new LinkedHashMap<>();
        if (plan.qaFromCheckpoint()) {
            head.put("source", "checkpoint");
        } else {
            head.put("source", "new");
            head.put("seed", qaHeadSeed);
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
}
