package io.spanloop.qa;

import java.util.List;

/** A question and its context, tokenized and cut into windows. */
record EncodedQuestion(QaInput input, TokenizedText context, List<Window> windows) {}
