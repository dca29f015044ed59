package io.spanloop.answerer;

import io.spanloop.events.Question;
import java.util.Optional;

/** What makes a decoded question unanswerable; such questions are dead-lettered. */
final class QuestionValidator {

    private final BatchSettings settings;

    QuestionValidator(BatchSettings settings) {
        this.settings = settings;
    }

    /** The reason the question cannot be answered, or empty when it is fine. */
    Optional<String> problem(Question question) {
        if (question.getId() == null || question.getId().isBlank()) {
            return Optional.of("question id is missing or empty");
        }
        if (question.getQuestion() == null || question.getQuestion().isBlank()) {
            return Optional.of("question text is missing or empty");
        }
        if (question.getContext() == null || question.getContext().isBlank()) {
            return Optional.of("context is missing or empty");
        }
        if (question.getQuestion().length() > settings.maxQuestionChars()) {
            return Optional.of(
                    "question has "
                            + question.getQuestion().length()
                            + " chars, more than the limit of "
                            + settings.maxQuestionChars());
        }
        if (question.getContext().length() > settings.maxContextChars()) {
            return Optional.of(
                    "context has "
                            + question.getContext().length()
                            + " chars, more than the limit of "
                            + settings.maxContextChars());
        }
        return Optional.empty();
    }
}
