package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquadWriterTest {

    @Test
    void shouldWriteWhatTheReaderReadsBackWithExactOffsets(@TempDir Path dir) throws Exception {
        // Given: an answer after two astral characters, and a question without an answer
        String context = "Party 🎉 with the king 👑 of Paris.";
        int start = context.indexOf("Paris");
        List<TrainingExample> examples =
                List.of(
                        TrainingExample.answered(
                                "q1", "Which city?", context, start, start + "Paris".length()),
                        TrainingExample.unanswerable("q2", "Which river?", context));
        Path file = dir.resolve("out").resolve("examples.json");

        // When
        SquadWriter.write(file, "cities", examples);

        // Then: SQuAD counts code points, the reader converts back to String indices
        assertThat(Files.readString(file)).contains("\"answer_start\":" + (start - 2));
        SquadDataset read = SquadReader.read(file);
        assertThat(read.problems()).isEmpty();
        assertThat(read.examples()).containsExactlyElementsOf(examples);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).containsExactly(file);
        }
    }
}
