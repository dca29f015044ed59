package io.spanloop.qa;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The official SQuAD v2.0 evaluation measures (identical to v1.1 for answerable questions): answers
 * are normalised (lower-cased, ASCII punctuation removed, the articles a/an/the removed as whole
 * words, whitespace collapsed), then compared exactly (EM) or as bags of tokens (F1); the score of
 * a prediction is its best over the gold answers. Scores are in 0..1 per question.
 */
public final class SquadMetrics {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Pattern ARTICLES =
            Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private SquadMetrics() {}

    /** The official {@code normalize_answer}. */
    public static String normalize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder withoutPunctuation = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                withoutPunctuation.append(c);
            }
        }
        String withoutArticles = ARTICLES.matcher(withoutPunctuation).replaceAll(" ");
        return String.join(" ", split(withoutArticles));
    }

    /** Tokens of the normalised text (the official {@code get_tokens}). */
    static List<String> tokens(String text) {
        return split(normalize(text));
    }

    /** Python's {@code str.split()}: runs of whitespace separate, none are kept. */
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int from = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || isWhitespace(text.charAt(i));
            if (space && from >= 0) {
                parts.add(text.substring(from, i));
                from = -1;
            } else if (!space && from < 0) {
                from = i;
            }
        }
        return parts;
    }

    private static boolean isWhitespace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /**
     * 1 when the normalised prediction equals a normalised gold answer, else 0. Gold answers that
     * normalise to nothing are dropped; with none left (an unanswerable question) the gold is the
     * empty answer, so only an empty prediction matches.
     */
    public static double exactMatch(String prediction, List<String> golds) {
        String normalized = normalize(prediction);
        for (String gold : effectiveGolds(golds)) {
            if (normalize(gold).equals(normalized)) {
                return 1.0;
            }
        }
        return 0.0;
    }

    /**
     * Token-level F1 against the best-matching gold answer. When prediction or gold is empty ("no
     * answer"), it is 1 if both are and 0 otherwise.
     */
    public static double f1(String prediction, List<String> golds) {
        List<String> predicted = tokens(prediction);
        double best = 0.0;
        for (String gold : effectiveGolds(golds)) {
            best = Math.max(best, f1(predicted, tokens(gold)));
        }
        return best;
    }

    private static double f1(List<String> predicted, List<String> gold) {
        if (predicted.isEmpty() || gold.isEmpty()) {
            return predicted.isEmpty() && gold.isEmpty() ? 1.0 : 0.0;
        }
        Map<String, Integer> goldCounts = new HashMap<>();
        for (String token : gold) {
            goldCounts.merge(token, 1, Integer::sum);
        }
        int same = 0;
        for (String token : predicted) {
            Integer left = goldCounts.get(token);
            if (left != null && left > 0) {
                goldCounts.put(token, left - 1);
                same++;
            }
        }
        if (same == 0) {
            return 0.0;
        }
        double precision = (double) same / predicted.size();
        double recall = (double) same / gold.size();
        return 2 * precision * recall / (precision + recall);
    }

    private static List<String> effectiveGolds(List<String> golds) {
        List<String> kept = new ArrayList<>();
        for (String gold : golds) {
            if (!normalize(gold).isEmpty()) {
                kept.add(gold);
            }
        }
        return kept.isEmpty() ? List.of("") : kept;
    }
}
