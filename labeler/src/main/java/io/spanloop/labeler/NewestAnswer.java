package io.spanloop.labeler;

import io.spanloop.events.Answer;

/**
 * The answer by the highest model version (of those, the smallest question id): which model the
 * status reports as answering.
 */
record NewestAnswer(String questionId, String modelName, long modelVersion) {

    static NewestAnswer of(String questionId, Answer answer) {
        return new NewestAnswer(questionId, answer.getModelName(), answer.getModelVersion());
    }

    /** The newer of two (either may be null); the same question's later answer replaces it. */
    static NewestAnswer newer(NewestAnswer current, NewestAnswer candidate) {
        if (current == null || candidate == null) {
            return current == null ? candidate : current;
        }
        if (candidate.modelVersion != current.modelVersion) {
            return candidate.modelVersion > current.modelVersion ? candidate : current;
        }
        return candidate.questionId.compareTo(current.questionId) <= 0 ? candidate : current;
    }
}
