package io.spanloop.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark's {@code --name value} / {@code --name=value} options, checked against the names it
 * knows, with typed reads that name the option in their errors.
 */
final class BenchArgs {

    private final Map<String, String> values;

    private BenchArgs(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @throws IllegalArgumentException for a positional argument, an unknown option or one without
     *     its value
     */
    static BenchArgs parse(String[] args, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            values.put(key, value);
        }
        return new BenchArgs(values);
    }

    /** The option's value, or {@code null} when not given. */
    String get(String key) {
        return values.get(key);
    }

    String get(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    int integer(String key, int defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + key + " needs an integer, got '" + value + "'");
        }
    }

    double decimal(String key, double defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " needs a number, got '" + value + "'");
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
