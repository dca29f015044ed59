package io.spanloop.demo.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A kind of fact an article about a town can state: its statement wordings and the question
 * templates that ask for it ({@code {town}} and {@code {value}} in the templates).
 */
interface Fact {

    List<String> statements();

    List<String> questions();

    /** A random value of this fact; names come from {@code names}. */
    String randomValue(Random random, Names names);

    /** Every template of this fact: its statements, then its questions. */
    default List<String> wordings() {
        List<String> wordings = new ArrayList<>(statements());
        wordings.addAll(questions());
        return wordings;
    }

    /** The wordings of {@code facts}, then {@code values}, as one text (for a vocabulary). */
    static String vocabularyText(List<? extends Fact> facts, List<List<String>> values) {
        StringBuilder text = new StringBuilder();
        for (Fact fact : facts) {
            fact.wordings().forEach(s -> text.append(s).append(' '));
        }
        values.forEach(list -> list.forEach(s -> text.append(s).append(' ')));
        return text.toString();
    }
}
