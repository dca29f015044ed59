package io.spanloop.local;

import java.io.PrintStream;

/**
 * A text progress bar, {@code [#####.....] 120/300 questions} (optionally followed by a detail such
 * as an ETA): redrawn in place on a terminal (at most ten times a second), else printed as a line
 * at every tenth of the way.
 */
public final class ProgressBar {

    public static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final int total;
    private final String unit;
    private final boolean inPlace;
    private long lastDrawNanos;
    private int lastDone = -1;
    private int lastTenth = -1;

    /**
     * @param out where it is drawn
     * @param total what {@code done} counts up to
     * @param unit what it counts, e.g. {@code questions}
     * @param inPlace redraw one line (a terminal), or print lines (a log or a pipe)
     */
    public ProgressBar(PrintStream out, int total, String unit, boolean inPlace) {
        this.out = out;
        this.total = total;
        this.unit = unit;
        this.inPlace = inPlace;
    }

    /** The bar for {@code done} of {@code total}. */
    public static String render(int done, int total, String unit) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return "["
                + "#".repeat(filled)
                + ".".repeat(WIDTH - filled)
                + "] "
                + done
                + "/"
                + total
                + " "
                + unit;
    }

    /** Shows {@code done} (drawn only when it is worth it). */
    public void update(int done) {
        update(done, "");
    }

    /** Shows {@code done} and {@code detail} after the bar (drawn only when it is worth it). */
    public void update(int done, String detail) {
        if (done == lastDone) {
            return;
        }
        if (inPlace) {
            long now = System.nanoTime();
            if (lastDone >= 0 && now - lastDrawNanos < REDRAW_NANOS) {
                return;
            }
            lastDrawNanos = now;
            out.print("\r" + line(done, detail));
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth == lastTenth || tenth == 10) {
                return; // the last line is finish()'s
            }
            lastTenth = tenth;
            out.println(line(done, detail));
        }
        lastDone = done;
        out.flush();
    }

    /** Draws {@code done} for good and ends the line. */
    public void finish(int done) {
        finish(done, "");
    }

    /** Draws {@code done} and {@code detail} for good and ends the line. */
    public void finish(int done, String detail) {
        if (inPlace) {
            out.print("\r" + line(done, detail) + System.lineSeparator());
        } else {
            out.println(line(done, detail));
        }
        out.flush();
    }

    private String line(int done, String detail) {
        String bar = render(done, total, unit);
        // pad, so that a shorter redraw leaves nothing of a longer one behind
        return detail.isEmpty() ? bar : String.format("%s  %-40s", bar, detail);
    }
}
