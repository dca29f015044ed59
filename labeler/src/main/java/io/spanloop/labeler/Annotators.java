package io.spanloop.labeler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * The people allowed to review, each with a secret token (from config), and the admins among them,
 * who may also promote, pin and unpin model versions.
 */
public final class Annotators {

    private final Map<String, byte[]> tokens;
    private final Set<String> admins;

    private Annotators(Map<String, byte[]> tokens, Set<String> admins) {
        this.tokens = tokens;
        this.admins = admins;
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
        return new Annotators(Map.copyOf(tokens), Set.of());
    }

    /**
     * These annotators with {@code names} as the admins; each must be one of them (a misspelt admin
     * would otherwise silently be nobody).
     */
    public Annotators withAdmins(java.util.Collection<String> names) {
        Set<String> admins = new java.util.TreeSet<>();
        for (String name : names) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!tokens.containsKey(trimmed)) {
                throw new ConfigException(
                        LabelerConfig.ADMINS,
                        String.join(",", names),
                        "'"
                                + trimmed
                                + "' is no annotator (admins must be named in annotators or"
                                + " annotators.file)");
            }
            admins.add(trimmed);
        }
        return new Annotators(tokens, Set.copyOf(admins));
    }

    /** Whether {@code annotator} may promote, pin and unpin model versions. */
    public boolean isAdmin(String annotator) {
        return annotator != null && admins.contains(annotator);
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
