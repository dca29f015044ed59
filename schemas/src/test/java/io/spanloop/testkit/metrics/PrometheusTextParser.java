package io.spanloop.testkit.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (prometheus.io, "Exposition
 * formats", text format details). It rejects what that specification forbids instead of skipping
 * it: a last line without a line feed, bad metric or label names, escapes other than {@code \\},
 * {@code \"} and {@code \n} (and {@code \\}, {@code \n} in HELP), values that are no Go float, a
 * second HELP or TYPE for a name, a TYPE after the family's first sample, a family split into two
 * groups, the same series twice, histogram buckets without {@code le}, out of order, falling,
 * without {@code +Inf} or disagreeing with {@code _count}, and summary quantiles out of order.
 *
 * <p>Written for the tests because the one Java parser on Maven Central (Hawkular's
 * prometheus-scraper, 2016) logs and skips the lines it cannot read, so a broken scrape would pass.
 */
public final class PrometheusTextParser {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT =
            Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");

    private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
    private final Set<String> endedGroups = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private String openGroup;
    private int lineNumber;

    private PrometheusTextParser() {}

    /** Parses a whole scrape; throws {@link ExpositionFormatException} at the first violation. */
    public static Exposition parse(String text) {
        return new PrometheusTextParser().parseAll(text);
    }

    private Exposition parseAll(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new ExpositionFormatException("the last line does not end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            lineNumber = i + 1;
            parseLine(trimBlanks(lines[i]));
        }
        List<MetricFamily> result = new ArrayList<>();
        for (FamilyBuilder family : families.values()) {
            MetricFamily built = family.build();
            checkBucketsAndQuantiles(built);
            result.add(built);
        }
        return new Exposition(result);
    }

    private void parseLine(String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.charAt(0) == '#') {
            parseComment(trimBlanks(line.substring(1)));
        } else {
            parseSample(line);
        }
    }

    private void parseComment(String comment) {
        String[] keyword = splitFirst(comment);
        if (keyword[0].equals("HELP")) {
            String[] nameAndDoc = splitFirst(keyword[1]);
            if (nameAndDoc[0].isEmpty()) {
                throw error("HELP without a metric name");
            }
            FamilyBuilder family = enterGroup(metricName(nameAndDoc[0]));
            if (family.help != null) {
                throw error("a second HELP line for " + family.name);
            }
            family.help = unescapeHelp(nameAndDoc[1]);
        } else if (keyword[0].equals("TYPE")) {
            String[] tokens = keyword[1].isEmpty() ? new String[0] : keyword[1].split("[ \t]+");
            if (tokens.length != 2) {
                throw error("TYPE needs exactly a metric name and a type: '" + comment + "'");
            }
            FamilyBuilder family = enterGroup(metricName(tokens[0]));
            if (family.type != null) {
                throw error("a second TYPE line for " + family.name);
            }
            if (!family.samples.isEmpty()) {
                throw error("the TYPE line of " + family.name + " comes after its samples");
            }
            family.type = type(tokens[1]);
        }
        // any other comment is ignored
    }

    private MetricFamily.Type type(String token) {
        if (!token.equals(token.toLowerCase(Locale.ROOT))) {
            throw error("unknown metric type '" + token + "'");
        }
        try {
            return MetricFamily.Type.valueOf(token.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error("unknown metric type '" + token + "'");
        }
    }

    private void parseSample(String line) {
        Cursor cursor = new Cursor(line);
        String name = metricName(cursor.takeWhile(c -> c != '{' && c != ' ' && c != '\t'));
        cursor.skipBlanks();
        Map<String, String> labels = new LinkedHashMap<>();
        if (cursor.peek() == '{') {
            cursor.next();
            parseLabels(cursor, labels);
            cursor.skipBlanks();
        }
        String valueToken = cursor.takeWhile(c -> c != ' ' && c != '\t');
        cursor.skipBlanks();
        String timestampToken = cursor.takeWhile(c -> c != ' ' && c != '\t');
        cursor.skipBlanks();
        if (!cursor.atEnd()) {
            throw error("unexpected text after the timestamp: '" + cursor.rest() + "'");
        }
        OptionalLong timestamp = OptionalLong.empty();
        if (!timestampToken.isEmpty()) {
            if (!TIMESTAMP.matcher(timestampToken).matches()) {
                throw error("timestamp '" + timestampToken + "' is no integer");
            }
            timestamp = OptionalLong.of(Long.parseLong(timestampToken));
        }
        Sample sample = new Sample(name, labels, value(valueToken), timestamp);
        FamilyBuilder family = enterGroup(familyOf(name));
        checkBelongs(family, sample);
        if (!series.add(name + new TreeMap<>(labels))) {
            throw error("the series " + name + labels + " appears twice");
        }
        family.samples.add(sample);
    }

    private void parseLabels(Cursor cursor, Map<String, String> labels) {
        while (true) {
            cursor.skipBlanks();
            if (cursor.peek() == '}') {
                cursor.next();
                return;
            }
            String label = cursor.takeWhile(c -> c != '=' && c != ' ' && c != '\t' && c != '}');
            if (!LABEL_NAME.matcher(label).matches()) {
                throw error("bad label name '" + label + "'");
            }
            cursor.skipBlanks();
            expect(cursor, '=');
            cursor.skipBlanks();
            expect(cursor, '"');
            String value = labelValue(cursor);
            if (labels.put(label, value) != null) {
                throw error("label " + label + " twice in one sample");
            }
            cursor.skipBlanks();
            char next = cursor.next();
            if (next == '}') {
                return;
            }
            if (next != ',') {
                throw error("expected ',' or '}' after a label, found '" + printable(next) + "'");
            }
        }
    }

    private String labelValue(Cursor cursor) {
        StringBuilder value = new StringBuilder();
        while (true) {
            if (cursor.atEnd()) {
                throw error("unterminated label value");
            }
            char c = cursor.next();
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                char escaped = cursor.atEnd() ? 0 : cursor.next();
                switch (escaped) {
                    case '\\' -> value.append('\\');
                    case '"' -> value.append('"');
                    case 'n' -> value.append('\n');
                    default -> throw error("bad escape '\\" + printable(escaped) + "'");
                }
            } else {
                value.append(c);
            }
        }
    }

    private String unescapeHelp(String doc) {
        StringBuilder help = new StringBuilder();
        for (int i = 0; i < doc.length(); i++) {
            char c = doc.charAt(i);
            if (c != '\\') {
                help.append(c);
                continue;
            }
            char escaped = i + 1 < doc.length() ? doc.charAt(++i) : 0;
            switch (escaped) {
                case '\\' -> help.append('\\');
                case 'n' -> help.append('\n');
                default -> throw error("bad escape '\\" + printable(escaped) + "' in HELP");
            }
        }
        return help.toString();
    }

    private double value(String token) {
        Double value = parseFloat(token);
        if (value == null) {
            throw error("value '" + token + "' is no float");
        }
        return value;
    }

    /** A float as Go's ParseFloat writes them (NaN, +Inf, -Inf, decimal), else null. */
    private static Double parseFloat(String token) {
        switch (token) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return FLOAT.matcher(token).matches() ? Double.parseDouble(token) : null;
        }
    }

    /** The family a sample name belongs to: a histogram's or summary's for its suffixed names. */
    private String familyOf(String sampleName) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                FamilyBuilder family = families.get(base);
                if (family != null
                        && (family.type == MetricFamily.Type.HISTOGRAM
                                || (family.type == MetricFamily.Type.SUMMARY
                                        && !suffix.equals("_bucket")))) {
                    return base;
                }
            }
        }
        return sampleName;
    }

    private void checkBelongs(FamilyBuilder family, Sample sample) {
        MetricFamily.Type type = family.type == null ? MetricFamily.Type.UNTYPED : family.type;
        boolean bucket = sample.name().equals(family.name + "_bucket");
        boolean plain = sample.name().equals(family.name);
        if (type == MetricFamily.Type.HISTOGRAM) {
            if (plain) {
                throw error("histogram " + family.name + " has a sample without a suffix");
            }
            if (bucket && !sample.labels().containsKey("le")) {
                throw error("bucket of " + family.name + " without an le label");
            }
            if (bucket) {
                value(sample.labels().get("le"));
            }
        }
        if (type == MetricFamily.Type.SUMMARY && plain) {
            if (!sample.labels().containsKey("quantile")) {
                throw error("summary " + family.name + " has a sample without a quantile label");
            }
            value(sample.labels().get("quantile"));
        }
    }

    /** Buckets and quantiles in increasing order; buckets cumulative, +Inf equal to _count. */
    private static void checkBucketsAndQuantiles(MetricFamily family) {
        if (family.type() == MetricFamily.Type.HISTOGRAM) {
            Map<Map<String, String>, List<Sample>> buckets =
                    groupWithout(family, family.name() + "_bucket", "le");
            Map<Map<String, String>, List<Sample>> counts =
                    groupWithout(family, family.name() + "_count", "le");
            for (Map.Entry<Map<String, String>, List<Sample>> series : buckets.entrySet()) {
                checkIncreasing(family, series.getValue(), "le");
                List<Sample> ordered = series.getValue();
                for (int i = 1; i < ordered.size(); i++) {
                    if (ordered.get(i).value() < ordered.get(i - 1).value()) {
                        throw new ExpositionFormatException(
                                family.name() + series.getKey() + ": bucket counts fall");
                    }
                }
                Sample last = ordered.get(ordered.size() - 1);
                if (parseFloat(last.labels().get("le")) != Double.POSITIVE_INFINITY) {
                    throw new ExpositionFormatException(
                            family.name() + series.getKey() + ": no le=\"+Inf\" bucket");
                }
                List<Sample> count = counts.get(series.getKey());
                if (count == null || count.get(0).value() != last.value()) {
                    throw new ExpositionFormatException(
                            family.name()
                                    + series.getKey()
                                    + ": _count is not the +Inf bucket's "
                                    + last.value());
                }
            }
        }
        if (family.type() == MetricFamily.Type.SUMMARY) {
            groupWithout(family, family.name(), "quantile")
                    .values()
                    .forEach(quantiles -> checkIncreasing(family, quantiles, "quantile"));
        }
    }

    private static Map<Map<String, String>, List<Sample>> groupWithout(
            MetricFamily family, String sampleName, String label) {
        Map<Map<String, String>, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample sample : family.samples()) {
            if (sample.name().equals(sampleName)) {
                Map<String, String> rest = new TreeMap<>(sample.labels());
                rest.remove(label);
                groups.computeIfAbsent(rest, k -> new ArrayList<>()).add(sample);
            }
        }
        return groups;
    }

    private static void checkIncreasing(MetricFamily family, List<Sample> samples, String label) {
        double previous = Double.NEGATIVE_INFINITY;
        for (Sample sample : samples) {
            double bound = parseFloat(sample.labels().get(label));
            if (bound <= previous) {
                throw new ExpositionFormatException(
                        family.name() + ": " + label + " values not in increasing order");
            }
            previous = bound;
        }
    }

    /** The family named {@code name}, its group opened; a family's lines form one group. */
    private FamilyBuilder enterGroup(String name) {
        if (!name.equals(openGroup)) {
            if (endedGroups.contains(name)) {
                throw error("the lines of " + name + " are not all in one group");
            }
            if (openGroup != null) {
                endedGroups.add(openGroup);
            }
            openGroup = name;
        }
        return families.computeIfAbsent(name, FamilyBuilder::new);
    }

    private String metricName(String token) {
        if (!METRIC_NAME.matcher(token).matches()) {
            throw error("bad metric name '" + token + "'");
        }
        return token;
    }

    private void expect(Cursor cursor, char expected) {
        char found = cursor.atEnd() ? 0 : cursor.next();
        if (found != expected) {
            throw error("expected '" + expected + "', found '" + printable(found) + "'");
        }
    }

    private ExpositionFormatException error(String problem) {
        return new ExpositionFormatException(lineNumber, problem);
    }

    private static String printable(char c) {
        return c == 0 ? "end of line" : String.valueOf(c);
    }

    /** Without leading and trailing blanks and tabs (the only whitespace the format knows). */
    private static String trimBlanks(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** The first token and the rest, blanks between them removed. */
    private static String[] splitFirst(String text) {
        int i = 0;
        while (i < text.length() && !isBlank(text.charAt(i))) {
            i++;
        }
        return new String[] {text.substring(0, i), trimBlanks(text.substring(i))};
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static final class FamilyBuilder {
        final String name;
        String help;
        MetricFamily.Type type;
        final List<Sample> samples = new ArrayList<>();

        FamilyBuilder(String name) {
            this.name = name;
        }

        MetricFamily build() {
            return new MetricFamily(
                    name,
                    type == null ? MetricFamily.Type.UNTYPED : type,
                    help == null ? "" : help,
                    samples);
        }
    }

    private static final class Cursor {
        private final String text;
        private int position;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return position >= text.length();
        }

        char peek() {
            return atEnd() ? 0 : text.charAt(position);
        }

        char next() {
            return atEnd() ? 0 : text.charAt(position++);
        }

        String takeWhile(IntPredicate accept) {
            int start = position;
            while (!atEnd() && accept.test(text.charAt(position))) {
                position++;
            }
            return text.substring(start, position);
        }

        void skipBlanks() {
            takeWhile(c -> c == ' ' || c == '\t');
        }

        String rest() {
            return text.substring(position);
        }
    }
}
