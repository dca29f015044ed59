package io.spanloop.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed arguments of one command: {@code --name value} or {@code --name=value} options, {@code
 * --flag}s and positional arguments. Anything else is a {@link UsageException}: an unknown option,
 * a missing value (a value may not start with {@code --} unless written {@code --name=--value}), an
 * option given twice, a value for a flag.
 */
final class CommandLine {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private CommandLine(Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    /** Whether the arguments ask for help ({@code -h} or {@code --help} anywhere). */
    static boolean wantsHelp(List<String> args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses {@code args} knowing which options take a value and which are flags.
     *
     * @throws UsageException when the arguments do not fit
     */
    static CommandLine parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (valueOptions.contains(name)) {
                String value;
                if (eq > 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw new UsageException(name + " is given more than once");
                }
            } else if (flagOptions.contains(name)) {
                if (eq > 0) {
                    throw new UsageException(name + " takes no value");
                }
                flags.add(name);
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return new CommandLine(values, flags, positionals);
    }

    /** The value of {@code option}, if given. */
    Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    /** Whether {@code flag} was given. */
    boolean flag(String flag) {
        return flags.contains(flag);
    }

    /** The positional arguments, in order. */
    List<String> positionals() {
        return List.copyOf(positionals);
    }

    /**
     * The duration given as {@code option} — whole seconds ({@code 60}) or with a unit ({@code
     * 500ms}, {@code 90s}, {@code 2m}) — or {@code fallback}.
     */
    Duration duration(String option, Duration fallback) {
        String text = values.get(option);
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new UsageException(
                    option
                            + " must be a duration such as 60, 90s, 2m or 500ms, not '"
                            + text
                            + "'");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new UsageException(option + " is too large: " + text);
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration duration;
        try {
            duration =
                    switch (unit) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofSeconds(amount);
                    };
            duration.toMillis();
        } catch (ArithmeticException e) {
            throw new UsageException(option + " is too large: " + text);
        }
        if (duration.isZero()) {
            throw new UsageException(option + " must be more than zero");
        }
        return duration;
    }

    /** The positive whole number given as {@code option}, or {@code fallback}. */
    int positive(String option, int fallback) {
        return number(option, fallback, Integer::valueOf, n -> n > 0, "a positive number");
    }

    /** The TCP port given as {@code option}, or {@code fallback}. */
    int port(String option, int fallback) {
        return number(option, fallback, Integer::valueOf, n -> n >= 1 && n <= 65535, "a port");
    }

    /** The whole number given as {@code option}, or {@code fallback}. */
    long number(String option, long fallback) {
        return number(option, fallback, Long::valueOf, n -> true, "a whole number");
    }

    /** The positive decimal number given as {@code option}, or {@code fallback}. */
    double positiveDecimal(String option, double fallback) {
        return number(
                option,
                fallback,
                Double::valueOf,
                x -> x > 0 && Double.isFinite(x),
                "a positive number");
    }

    private <T> T number(
            String option, T fallback, Function<String, T> parse, Predicate<T> valid, String what) {
        String text = values.get(option);
        if (text == null) {
            return fallback;
        }
        try {
            T value = parse.apply(text.trim());
            if (valid.test(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " needs " + what + ", not '" + text + "'");
    }

    /** The path given as {@code option}, or {@code fallback} (which may be null). */
    Path path(String option, Path fallback) {
        String text = values.get(option);
        if (text == null) {
            return fallback;
        }
        if (text.isBlank()) {
            throw new UsageException(option + " needs a path");
        }
        return Path.of(text);
    }
}
