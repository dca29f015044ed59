package io.spanloop.qa;

/** Start and end logits the model gave each position of one window. */
record WindowLogits(float[] start, float[] end) {}
