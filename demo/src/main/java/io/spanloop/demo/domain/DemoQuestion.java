package io.spanloop.demo.domain;

import io.spanloop.qa.TrainingExample;

/**
 * A generated question with its gold answer.
 *
 * @param example the question, context and gold span
 * @param fact what it asks about
 * @param paraphrase whether it is worded with a held-out paraphrase template
 */
public record DemoQuestion(TrainingExample example, FactType fact, boolean paraphrase) {

    public String id() {
        return example.id();
    }
}
