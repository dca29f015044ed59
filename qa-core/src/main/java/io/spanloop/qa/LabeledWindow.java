package io.spanloop.qa;

/**
 * A training window and where its answer is: sequence positions of the answer's first and last
 * token, or both 0 ({@code [CLS]}) when this window does not hold the whole answer.
 */
record LabeledWindow(Window window, int startPosition, int endPosition) {

    boolean pointsAtCls() {
        return startPosition == 0 && endPosition == 0;
    }
}
