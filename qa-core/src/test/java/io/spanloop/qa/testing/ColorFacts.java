package io.spanloop.qa.testing;

import io.spanloop.qa.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Templated questions the {@link TinyModel} learns in seconds: a context states the color of a
 * thing (words the fixture's vocabulary knows) in one of several sentence shapes, next to a
 * sentence without a color, and the question asks for that color. Where the answer sits varies, so
 * the model must learn what a color is, not a position. Deterministic for a seed.
 */
public final class ColorFacts {

    public static final List<String> THINGS =
            List.of(
                    "king",
                    "queen",
                    "city",
                    "river",
                    "mountain",
                    "lake",
                    "sea",
                    "island",
                    "book",
                    "song",
                    "team",
                    "game",
                    "star",
                    "moon",
                    "sun",
                    "company",
                    "country",
                    "ocean");
    public static final List<String> COLORS = List.of("red", "green", "blue", "black", "white");
    private static final List<String> FACTS =
            List.of(
                    "The color of the %s is %s.",
                    "The %s is %s.",
                    "%2$s is the color of the %1$s.",
                    "It is known that the %s was %s.");
    private static final List<String> FILLERS =
            List.of(
                    "The %s is very old.",
                    "People say the %s is big.",
                    "In the north there is a %s.",
                    "Many people played a game there in the first year.");

    private ColorFacts() {}

    /** {@code count} questions with ids {@code q0, q1, ...}. */
    public static List<TrainingExample> examples(int count, long seed) {
        return examples(count, seed, "q");
    }

    /** {@code count} questions with ids {@code <idPrefix>0, <idPrefix>1, ...}. */
    public static List<TrainingExample> examples(int count, long seed, String idPrefix) {
        Random random = new Random(seed);
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String thing = pick(THINGS, random);
            String color = pick(COLORS, random);
            String fact = String.format(pick(FACTS, random), thing, color);
            String filler = String.format(pick(FILLERS, random), pick(THINGS, random));
            boolean factFirst = random.nextBoolean();
            String context = factFirst ? fact + " " + filler : filler + " " + fact;
            int factStart = context.indexOf(fact);
            int start = context.indexOf(color, factStart);
            examples.add(
                    TrainingExample.answered(
                            idPrefix + i,
                            "What color is the " + thing + "?",
                            context,
                            start,
                            start + color.length()));
        }
        return examples;
    }

    private static String pick(List<String> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }
}
