package io.spanloop.qa;

/**
 * Tokens of one text with each token's position in it as Java {@code String} indices (UTF-16, end
 * exclusive).
 */
record TokenizedText(long[] ids, int[] starts, int[] ends) {

    int size() {
        return ids.length;
    }
}
