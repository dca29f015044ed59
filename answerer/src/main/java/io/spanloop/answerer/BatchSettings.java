package io.spanloop.answerer;

import java.time.Duration;

/**
 * How questions are grouped for the model and which questions are refused.
 *
 * @param maxSize most questions in one model call
 * @param maxWait a partial batch waits at most about this long
 * @param maxQuestionChars longer questions are dead-lettered
 * @param maxContextChars longer contexts are dead-lettered
 */
public record BatchSettings(
        int maxSize, Duration maxWait, int maxQuestionChars, int maxContextChars) {}
