package io.spanloop.schemas;

import java.nio.ByteBuffer;

/**
 * The one-byte encoding of probabilities in {@code TokenScores}: {@code round(p * 255)} as an
 * unsigned byte, so 0 and 1 are exact and any value is within 1/510 of the original.
 */
public final class ProbabilityBytes {

    private ProbabilityBytes() {}

    public static ByteBuffer encode(float[] probabilities) {
        byte[] bytes = new byte[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            float p = Math.min(1f, Math.max(0f, probabilities[i]));
            bytes[i] = (byte) Math.round(p * 255f);
        }
        return ByteBuffer.wrap(bytes);
    }

    /**
     * The probabilities in {@code bytes} (from its position to its limit, which stay as they are).
     */
    public static double[] decode(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        double[] probabilities = new double[view.remaining()];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = (view.get() & 0xff) / 255.0;
        }
        return probabilities;
    }
}
