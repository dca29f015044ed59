package io.spanloop.local.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spanloop.qa.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The retrainer's seed data in the local run: examples of the facts the base model already knows
 * (training-side towns, like pre-training), as a SQuAD v2.0 file. The retrainer replays some of
 * them with every batch of new labels, so a version that learns new facts keeps the old ones.
 */
public final class DemoSeed {

    static final int EXAMPLES = 2000;
    static final long SEED = 7;

    private DemoSeed() {}

    /** Writes {@code <dataDir>/demo-seed.squad.json} (if missing) and returns its path. */
    public static Path write(Path dataDir) {
        Path file = dataDir.resolve("demo-seed.squad.json").toAbsolutePath();
        if (Files.isRegularFile(file)) {
            return file;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("version", "v2.0");
        ArrayNode paragraphs =
                root.putArray("data")
                        .addObject()
                        .put("title", "spanloop demo: facts the base model knows")
                        .putArray("paragraphs");
        List<TrainingExample> examples = DemoDomain.pretrainingExamples(EXAMPLES, SEED);
        for (TrainingExample example : examples) {
            ObjectNode paragraph = paragraphs.addObject().put("context", example.context());
            ObjectNode qa =
                    paragraph
                            .putArray("qas")
                            .addObject()
                            .put("id", "seed-" + example.id())
                            .put("question", example.question())
                            .put("is_impossible", false);
            qa.putArray("answers")
                    .addObject()
                    .put("text", example.answerText())
                    // SQuAD offsets count code points; the generated text is ASCII
                    .put("answer_start", example.start());
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".tmp");
            json.writeValue(partial.toFile(), root);
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo seed file " + file, e);
        }
        return file;
    }
}
