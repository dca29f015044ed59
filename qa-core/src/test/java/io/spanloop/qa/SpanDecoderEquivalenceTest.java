package io.spanloop.qa;

import static org.assertj.core.api.Assertions.assertThat;

import io.spanloop.qa.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder's bounded n-best list picks exactly what collecting and sorting every candidate
 * picked ({@link ReferenceSpanDecoder}): same spans, order, probabilities and no-answer score, on
 * real windows of the tiny fixture's tokenizer with random logits — coarse ones too, so that ties
 * are common — and with letters such as "ǆ" (NFD "dž", two tokens of one character), so that two
 * token pairs give the same character span.
 */
class SpanDecoderEquivalenceTest {

    @TempDir Path store;

    @Test
    void shouldDecodeExactlyAsCollectingAndSortingEveryCandidate() {
        ModelDirectory model = TinyModel.copyTo(store, 1);
        ModelConfig config = model.config();
        Random random = new Random(5);
        String[] words = {
            "paris", "is", "the", "capital", "of", "france", "😀", "zoë", ",", ".", "ǆ", "ǅǆ", "ǈ"
        };
        try (QaTokenizer tokenizer = new QaTokenizer(model.tokenizerFile(), config)) {
            WindowEncoder encoder = new WindowEncoder(tokenizer, config);
            int compared = 0;
            for (int round = 0; round < 400; round++) {
                StringBuilder context = new StringBuilder();
                int length = 5 + random.nextInt(240);
                for (int w = 0; w < length; w++) {
                    context.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
                }
                EncodedQuestion question =
                        encoder.encode(new QaInput("what is the capital?", context.toString()));
                int levels = round % 2 == 0 ? 4 : 1000;
                List<WindowLogits> logits = new ArrayList<>();
                for (Window window : question.windows()) {
                    logits.add(
                            new WindowLogits(
                                    values(random, window.length(), levels),
                                    values(random, window.length(), levels)));
                }
                for (int nBest : new int[] {1, 3, 20}) {
                    DecodingOptions options =
                            new DecodingOptions(
                                    1 + random.nextInt(30), nBest, 5, round % 3 != 0, 0.0);
                    assertThat(new SpanDecoder(options).decode(question, logits))
                            .isEqualTo(new ReferenceSpanDecoder(options).decode(question, logits));
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(1200);
        }
    }

    @Test
    void shouldKeepTheBestDistinctSpansInTheOrderASortWouldGive() {
        Random random = new Random(3);
        for (int round = 0; round < 5_000; round++) {
            int capacity = 1 + random.nextInt(8);
            SpanDecoder.NBest nBest = new SpanDecoder.NBest(capacity);
            List<double[]> offered = new ArrayList<>();
            for (int i = 0; i < random.nextInt(40); i++) {
                double[] candidate = {random.nextInt(3), random.nextInt(4), random.nextInt(4)};
                offered.add(candidate);
                nBest.offer(candidate[0], (int) candidate[1], (int) candidate[2]);
            }
            // the reference: a stable sort, best first, then the first of each span
            List<double[]> sorted = new ArrayList<>(offered);
            sorted.sort((a, b) -> Double.compare(b[0], a[0]));
            List<String> expected = new ArrayList<>();
            List<String> spans = new ArrayList<>();
            for (double[] candidate : sorted) {
                String span = (int) candidate[1] + "-" + (int) candidate[2];
                if (!spans.contains(span) && expected.size() < capacity) {
                    spans.add(span);
                    expected.add(candidate[0] + "@" + span + "#" + offered.indexOf(candidate));
                }
            }
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < nBest.size(); i++) {
                String span = nBest.start(i) + "-" + nBest.end(i);
                actual.add(nBest.logit(i) + "@" + span + "#" + firstOffer(offered, nBest, i));
            }
            assertThat(actual).as("round %d", round).isEqualTo(expected);
        }
    }

    /** Which offer entry {@code i} of the list holds: the first with its logit and span. */
    private static int firstOffer(List<double[]> offered, SpanDecoder.NBest nBest, int i) {
        for (int j = 0; j < offered.size(); j++) {
            double[] c = offered.get(j);
            if (c[0] == nBest.logit(i) && c[1] == nBest.start(i) && c[2] == nBest.end(i)) {
                return j;
            }
        }
        return -1;
    }

    private static float[] values(Random random, int length, int levels) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextInt(levels) / (levels / 8f) - 4f;
        }
        return values;
    }
}
