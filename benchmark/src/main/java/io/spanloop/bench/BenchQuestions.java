package io.spanloop.bench;

import io.spanloop.qa.QaInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic, SQuAD-like workload: paragraphs of 40 to 220 words (mostly one token each with
 * the fixture's vocabulary), short questions, and now and then an emoji or accents so that offset
 * conversion is part of what is timed. Long paragraphs need two or three windows at {@code
 * max_seq_length} 128, one at 256.
 */
final class BenchQuestions {

    private static final String[] SUBJECTS = {
        "the capital",
        "the river",
        "the king",
        "the queen",
        "the company",
        "the team",
        "the author",
        "the largest city",
        "the president",
        "the mountain",
        "the island",
        "the old game"
    };
    private static final String[] PLACES = {
        "paris",
        "france",
        "london",
        "england",
        "berlin",
        "germany",
        "tokyo",
        "japan",
        "rome",
        "italy",
        "madrid",
        "spain",
        "new york",
        "america",
        "beijing",
        "china"
    };
    private static final String[] VERBS = {
        "is",
        "was",
        "has been",
        "became",
        "is known as",
        "was called",
        "played",
        "wrote",
        "built",
        "won"
    };
    private static final String[] FILLERS = {
        "in the north",
        "after the war",
        "during the first year",
        "with many people",
        "on the east side of the sea",
        "before the second game",
        "for more than one hundred years",
        "at the highest point",
        "between the two rivers",
        "without any music",
        "in the old book",
        "by the young player",
        "from the west",
        "under the blue sky",
        "over the long winter months"
    };
    private static final String[] QUESTIONS = {
        "what is the capital of %s?",
        "who was the king of %s?",
        "where is the largest city of %s?",
        "when was the company of %s founded?",
        "how many people live in %s?",
        "which river is the longest in %s?",
        "who wrote the first book about %s?"
    };
    private static final String[] SPICE = {"😀 ", "👑 ", "Zürich ", "Cafe\u0301 ", "東京 "};

    private BenchQuestions() {}

    /** {@code count} questions from {@code seed}; the same arguments give the same questions. */
    static List<QaInput> generate(int count, long seed) {
        Random random = new Random(seed);
        List<QaInput> questions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String place = pick(random, PLACES);
            String question = String.format(pick(random, QUESTIONS), place);
            questions.add(new QaInput(question, paragraph(random, place, i % 9 == 4)));
        }
        return questions;
    }

    private static String paragraph(Random random, String place, boolean spiced) {
        int targetWords = 40 + random.nextInt(181);
        StringBuilder text = new StringBuilder();
        int words = 0;
        while (words < targetWords) {
            if (spiced && random.nextInt(4) == 0) {
                text.append(pick(random, SPICE));
            }
            String sentence =
                    capitalize(pick(random, SUBJECTS))
                            + " of "
                            + (random.nextInt(3) == 0 ? place : pick(random, PLACES))
                            + " "
                            + pick(random, VERBS)
                            + " "
                            + pick(random, PLACES)
                            + " "
                            + pick(random, FILLERS)
                            + ". ";
            text.append(sentence);
            words += sentence.split(" ").length;
        }
        return text.toString().trim();
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
