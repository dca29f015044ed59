package io.spanloop.labeler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/** The people allowed to review, each with a secret token (from config). */
public final class Annotators {

    private final Map<String, byte[]> tokens;

    private Annotators(Map<String, byte[]> tokens) {
        this.tokens = tokens;
    }

    /** Parses {@code name:token,name:token}. */
    public static Annotators parse(String spec) {
        Map<String, byte[]> tokens = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new ConfigException(
                        LabelerConfig.ANNOTATORS, "(hidden)", "each entry must be name:token");
            }
            String name = trimmed.substring(0, colon).trim();
            if (!name.matches("[\\p{L}\\p{N}._@-]{1,64}")) {
                throw new ConfigException(
                        LabelerConfig.ANNOTATORS,
                        "(hidden)",
                        "annotator names use letters, digits and . _ @ - (at most 64): " + name);
            }
            tokens.put(name, trimmed.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        return new Annotators(Map.copyOf(tokens));
    }

    /** The annotator if {@code token} is theirs (constant-time comparison). */
    public Optional<String> authenticate(String annotator, String token) {
        byte[] expected = annotator == null ? null : tokens.get(annotator);
        if (expected == null || token == null) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))
                ? Optional.of(annotator)
                : Optional.empty();
    }

    /** The annotator whose token this is (bearer tokens name no annotator). */
    public Optional<String> byToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, byte[]> entry : tokens.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue(), given)) {
                found = entry.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }
}
