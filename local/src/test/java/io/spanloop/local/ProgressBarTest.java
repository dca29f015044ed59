package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void shouldDrawAProgressBar() {
        assertThat(ProgressBar.render(0, 300, "questions"))
                .isEqualTo("[" + ".".repeat(30) + "] 0/300 questions");
        assertThat(ProgressBar.render(120, 300, "questions"))
                .isEqualTo("[" + "#".repeat(12) + ".".repeat(18) + "] 120/300 questions");
        assertThat(ProgressBar.render(300, 300, "questions"))
                .startsWith("[" + "#".repeat(30) + "]");
    }

    @Test
    void shouldPrintALineEveryTenthWithItsDetailWhenNotOnATerminal() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ProgressBar bar =
                new ProgressBar(
                        new PrintStream(printed, true, StandardCharsets.UTF_8),
                        100,
                        "steps",
                        false);

        for (int done = 0; done < 100; done++) {
            bar.update(done, "ETA 0:" + (99 - done));
        }
        bar.finish(100, "done");

        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .hasSize(11)
                .first()
                .asString()
                .startsWith("[" + ".".repeat(30) + "] 0/100 steps  ETA 0:99");
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList().get(10))
                .startsWith("[" + "#".repeat(30) + "] 100/100 steps  done");
    }
}
