package io.spanloop.retrainer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic held-out split: a question belongs to the evaluation set when the hash of its
 * id falls in the first {@code holdoutPercent} buckets of 100 — the same answer on every run, on
 * every host, so a question is never trained on in one version and evaluated in the next.
 */
final class LabelSplit {

    private final int holdoutPercent;

    LabelSplit(int holdoutPercent) {
        if (holdoutPercent < 0 || holdoutPercent > 100) {
            throw new IllegalArgumentException("holdout percent must be 0..100");
        }
        this.holdoutPercent = holdoutPercent;
    }

    boolean isHeldOut(String questionId) {
        return bucket(questionId) < holdoutPercent;
    }

    static int bucket(String questionId) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(questionId.getBytes(StandardCharsets.UTF_8));
            int value =
                    ((digest[0] & 0xff) << 24)
                            | ((digest[1] & 0xff) << 16)
                            | ((digest[2] & 0xff) << 8)
                            | (digest[3] & 0xff);
            return Integer.remainderUnsigned(value, 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
