package io.spanloop.answerer;

import io.spanloop.events.Question;
import java.util.Optional;

/** What makes a decoded question unanswerable; such questions are dead-lettered. */
final class QuestionValidator {

    private final BatchSettings settings;

    QuestionValidator(BatchSettings settings) {
        this.settings = settings;
    }

    /** Why a question is dead-lettered: the kind of problem, and the reason its header gives. */
    record Problem(DeadLetterReason reason, String message) {}

    /** Why the question cannot be answered, or empty when it is fine. */
    Optional<Problem> problem(Question question) {
        if (question.getId() == null || question.getId().isBlank()) {
            return missing("question id is missing or empty");
        }
        if (question.getQuestion() == null || question.getQuestion().isBlank()) {
            return missing("question text is missing or empty");
        }
        if (question.getContext() == null || question.getContext().isBlank()) {
            return missing("context is missing or empty");
        }
        if (question.getQuestion().length() > settings.maxQuestionChars()) {
            return tooLong(
                    "question has "
                            + question.getQuestion().length()
                            + " chars, more than the limit of "
                            + settings.maxQuestionChars());
        }
        if (question.getContext().length() > settings.maxContextChars()) {
            return tooLong(
                    "context has "
                            + question.getContext().length()
                            + " chars, more than the limit of "
                            + settings.maxContextChars());
        }
        return Optional.empty();
    }

    private static Optional<Problem> missing(String message) {
        return Optional.of(new Problem(DeadLetterReason.MISSING_FIELD, message));
    }

    private static Optional<Problem> tooLong(String message) {
        return Optional.of(new Problem(DeadLetterReason.TOO_LONG, message));
    }
}
