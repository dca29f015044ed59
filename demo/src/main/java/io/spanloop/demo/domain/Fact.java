package io.spanloop.demo.domain;

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
}
