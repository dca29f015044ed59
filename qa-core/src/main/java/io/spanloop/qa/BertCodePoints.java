package io.spanloop.qa;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The code points on which {@link BertWordPiece} is known to tokenize exactly as HuggingFace's
 * native tokenizer (resource {@value #RESOURCE}: inclusive hex ranges, one per line). Outside them
 * lie the code points Java and the native library classify differently (the native library's
 * category tables are from an older Unicode version, so letters and marks added since count as
 * plain letters there) and those unassigned in Java's tables (a newer JVM may assign them). The
 * table is built by sweeping every code point through both tokenizers ({@code BertCodePointsTool},
 * in the tests) and checked the same way by {@code BertWordPieceTest}.
 */
final class BertCodePoints {

    static final String RESOURCE = "bert-java-code-points.txt";

    private static final int[] STARTS;
    private static final int[] ENDS;

    static {
        List<int[]> ranges = read();
        STARTS = ranges.stream().mapToInt(r -> r[0]).toArray();
        ENDS = ranges.stream().mapToInt(r -> r[1]).toArray();
    }

    private BertCodePoints() {}

    private static List<int[]> read() {
        List<int[]> ranges = new ArrayList<>();
        try (InputStream in = BertCodePoints.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing");
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int dash = line.indexOf('-');
                int start = Integer.parseInt(dash < 0 ? line : line.substring(0, dash), 16);
                int end = dash < 0 ? start : Integer.parseInt(line.substring(dash + 1), 16);
                ranges.add(new int[] {start, end});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ranges;
    }

    /** Whether every code point of {@code text} is in the table. */
    static boolean covers(String text) {
        int fastEnd = ENDS.length == 0 || STARTS[0] != 0 ? -1 : ENDS[0];
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c > fastEnd && !contains(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    static boolean contains(int codePoint) {
        int low = 0;
        int high = STARTS.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (codePoint < STARTS[mid]) {
                high = mid - 1;
            } else if (codePoint > ENDS[mid]) {
                low = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
