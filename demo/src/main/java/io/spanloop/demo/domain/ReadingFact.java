package io.spanloop.demo.domain;

import java.util.List;
import java.util.Random;

/**
 * Facts that only the tiny base's pre-training asks about: never asked by the demo, never labelled,
 * never evaluated. With them the tiny model learns to read a question against the article (find the
 * town's sentence whose words match the question's) over a dozen kinds of fact, not to answer four
 * question templates; a model trained on the four known facts alone forgot them whenever it learned
 * a new one (README, "The tiny base"). None of their values or wordings is a new fact's: products,
 * months and colours stay unasked.
 */
enum ReadingFact implements Fact {
    MAYOR(
            List.of(
                    "The mayor of {town} is {value}.",
                    "{value} is the mayor of {town}.",
                    "{town} elected {value} as its mayor."),
            List.of("Who is the mayor of {town}?", "Who leads {town}?")),
    MOUNTAIN(
            List.of(
                    "The mountain {value} rises above {town}.",
                    "{town} lies below the peak of {value}.",
                    "From {town} one can see mount {value}."),
            List.of("Which mountain rises above {town}?", "What peak can be seen from {town}?")),
    BRIDGES(
            List.of(
                    "{town} has {value} bridges.",
                    "There are {value} bridges in {town}.",
                    "Over the years {town} built {value} bridges."),
            List.of("How many bridges does {town} have?", "How many bridges are in {town}?")),
    EMBLEM(
            List.of(
                    "The emblem of {town} shows a {value}.",
                    "{town} chose the {value} as its symbol.",
                    "A stone {value} guards the gate of {town}."),
            List.of("Which animal is on the emblem of {town}?", "What is the symbol of {town}?")),
    MARKET_DAY(
            List.of(
                    "The market of {town} opens on {value}.",
                    "On {value} farmers sell their goods in {town}.",
                    "{town} holds its market every {value}."),
            List.of("On which day is the market of {town}?", "When is the market of {town} held?")),
    TREES(
            List.of(
                    "Old {value} trees line the streets of {town}.",
                    "The hills around {town} are covered with {value} trees.",
                    "In {town} every garden has a {value} tree."),
            List.of("Which trees grow in {town}?", "What trees line the streets of {town}?")),
    TWIN_TOWN(
            List.of(
                    "{town} is twinned with {value}.",
                    "The sister town of {town} is {value}.",
                    "{town} keeps close ties with {value}."),
            List.of("Which town is twinned with {town}?", "What is the sister town of {town}?")),
    DISH(
            List.of(
                    "The favourite dish of {town} is {value}.",
                    "Cooks in {town} are proud of their {value}.",
                    "Every inn in {town} serves {value}."),
            List.of("What is the favourite dish of {town}?", "What do the inns of {town} serve?"));

    private static final List<String> ANIMALS =
            List.of("fox", "bear", "owl", "eagle", "wolf", "deer", "swan", "horse", "boar", "hare");
    private static final List<String> DAYS =
            List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");
    private static final List<String> TREE_KINDS =
            List.of("oak", "birch", "pine", "elm", "willow", "maple", "beech", "cherry");
    private static final List<String> DISHES =
            List.of("soup", "stew", "pie", "dumplings", "porridge", "pancakes", "sausages", "fish");

    private final List<String> statements;
    private final List<String> questions;

    ReadingFact(List<String> statements, List<String> questions) {
        this.statements = statements;
        this.questions = questions;
    }

    @Override
    public List<String> statements() {
        return statements;
    }

    @Override
    public List<String> questions() {
        return questions;
    }

    @Override
    public String randomValue(Random random, Names names) {
        return switch (this) {
            case MAYOR -> names.person(random);
            case MOUNTAIN, TWIN_TOWN -> names.place(random);
            case BRIDGES -> Integer.toString(2 + random.nextInt(40));
            case EMBLEM -> FactType.pick(ANIMALS, random);
            case MARKET_DAY -> FactType.pick(DAYS, random);
            case TREES -> FactType.pick(TREE_KINDS, random);
            case DISH -> FactType.pick(DISHES, random);
        };
    }

    /** Every word the templates and values use (for the model's vocabulary). */
    static String vocabularyText() {
        return Fact.vocabularyText(List.of(values()), List.of(ANIMALS, DAYS, TREE_KINDS, DISHES));
    }
}
