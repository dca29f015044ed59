package io.spanloop.demo.domain;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The facts an article about a fictional town states. The first four are the ones the bundled base
 * model was pre-trained on; the other three it never saw, so the demo's corrections have something
 * to teach. Each fact has several statement wordings, the question templates that the demo asks
 * (and pre-training used), and paraphrase templates that are only ever used to evaluate. In the
 * templates {@code {town}} is the town's name and {@code {value}} the answer.
 */
public enum FactType implements Fact {
    FOUNDER(
            true,
            List.of(
                    "{town} was founded by {value}.",
                    "{value} founded {town} on a cold morning.",
                    "The founder of {town} was {value}."),
            List.of("Who founded {town}?", "Who was the founder of {town}?"),
            List.of("Which person established {town}?")),
    FOUNDING_YEAR(
            true,
            List.of(
                    "{town} dates from {value}.",
                    "The town of {town} was established in {value}.",
                    "In {value} the first houses of {town} were built."),
            List.of("When was {town} founded?", "In what year was {town} established?"),
            List.of("Since which year has {town} existed?")),
    RIVER(
            true,
            List.of(
                    "{town} lies on the river {value}.",
                    "The river {value} flows through {town}.",
                    "Boats on the {value} stop at {town}."),
            List.of("Which river flows through {town}?", "On what river does {town} lie?"),
            List.of("What is the name of the river at {town}?")),
    POPULATION(
            true,
            List.of(
                    "{town} has {value} inhabitants.",
                    "About {value} people live in {town}.",
                    "The last count found {value} people in {town}."),
            List.of("How many people live in {town}?", "What is the population of {town}?"),
            List.of("How many inhabitants does {town} have?")),
    PRODUCT(
            false,
            List.of(
                    "{town} is famous for its {value}.",
                    "The people of {town} make fine {value}.",
                    "Traders come to {town} to buy {value}."),
            List.of("What is {town} famous for?", "What do the people of {town} make?"),
            List.of("Which goods is {town} known for?")),
    FESTIVAL_MONTH(
            false,
            List.of(
                    "Every year in {value}, {town} holds a lantern festival.",
                    "The festival of {town} takes place in {value}.",
                    "In {value} the streets of {town} fill for the festival."),
            List.of(
                    "In which month is the festival of {town}?",
                    "When does {town} hold its festival?"),
            List.of("What month does {town} celebrate its festival in?")),
    FLAG_COLORS(
            false,
            List.of(
                    "The flag of {town} is {value}.",
                    "{town} flies a flag that is {value}.",
                    "Over the gate of {town} hangs a {value} flag."),
            List.of(
                    "What colors is the flag of {town}?",
                    "What does the flag of {town} look like?"),
            List.of("Which colors does the banner of {town} show?"));

    private static final List<String> PRODUCTS =
            List.of(
                    "pottery", "cheese", "glass", "wool", "honey", "salt", "silk", "copper",
                    "bread", "wine", "paper", "clocks", "boats", "rope", "candles", "carpets");
    private static final List<String> MONTHS =
            List.of(
                    "january",
                    "february",
                    "march",
                    "april",
                    "may",
                    "june",
                    "july",
                    "august",
                    "september",
                    "october",
                    "november",
                    "december");
    private static final List<String> COLORS =
            List.of("red", "green", "blue", "gold", "white", "black", "silver", "purple");

    private final boolean knownToBase;
    private final List<String> statements;
    private final List<String> questions;
    private final List<String> paraphrases;

    FactType(
            boolean knownToBase,
            List<String> statements,
            List<String> questions,
            List<String> paraphrases) {
        this.knownToBase = knownToBase;
        this.statements = statements;
        this.questions = questions;
        this.paraphrases = paraphrases;
    }

    /** The fact's name as a question attribute value, e.g. {@code flag_colors}. */
    public String attribute() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the bundled base model was pre-trained on this fact. */
    public boolean knownToBase() {
        return knownToBase;
    }

    /** The fact types the base model was pre-trained on. */
    public static List<FactType> known() {
        return List.of(values()).stream().filter(FactType::knownToBase).toList();
    }

    /** The fact types the base model never saw. */
    public static List<FactType> unseen() {
        return List.of(values()).stream().filter(f -> !f.knownToBase).toList();
    }

    @Override
    public List<String> statements() {
        return statements;
    }

    @Override
    public List<String> questions() {
        return questions;
    }

    List<String> paraphrases() {
        return paraphrases;
    }

    @Override
    public String randomValue(Random random, Names names) {
        return switch (this) {
            case FOUNDER -> names.person(random);
            case FOUNDING_YEAR -> Integer.toString(1100 + random.nextInt(800));
            case RIVER -> names.place(random);
            case POPULATION -> Integer.toString(300 + random.nextInt(99_700));
            case PRODUCT -> pick(PRODUCTS, random);
            case FESTIVAL_MONTH -> capitalize(pick(MONTHS, random));
            case FLAG_COLORS -> {
                String first = pick(COLORS, random);
                String second;
                do {
                    second = pick(COLORS, random);
                } while (second.equals(first));
                yield first + " and " + second;
            }
        };
    }

    /** Statements, questions and the paraphrases only evaluation asks. */
    @Override
    public List<String> wordings() {
        List<String> wordings = new java.util.ArrayList<>(Fact.super.wordings());
        wordings.addAll(paraphrases);
        return wordings;
    }

    /** Every word the templates and values use (for the model's vocabulary). */
    static String vocabularyText() {
        return Fact.vocabularyText(List.of(values()), List.of(PRODUCTS, MONTHS, COLORS));
    }

    static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }

    static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
