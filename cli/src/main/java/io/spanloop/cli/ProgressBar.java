package io.spanloop.cli;

import java.io.PrintStream;

/**
 * A text progress bar, {@code [#####.....] 120/300 questions}: redrawn in place on a terminal (at
 * most ten times a second), else printed as a line at every tenth of the way.
 */
final class ProgressBar {

    static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final int total;
    private final String unit;
    private final boolean inPlace;
    private long lastDrawNanos;
    private int lastDone = -1;
    private int lastTenth = -1;

    ProgressBar(PrintStream out, int total, String unit, boolean inPlace) {
        this.out = out;
        this.total = total;
        this.unit = unit;
        this.inPlace = inPlace;
    }

    /** The bar for {@code done} of {@code total}. */
    static String render(int done, int total, String unit) {
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
    void update(int done) {
        if (done == lastDone) {
            return;
        }
        if (inPlace) {
            long now = System.nanoTime();
            if (lastDone >= 0 && now - lastDrawNanos < REDRAW_NANOS) {
                return;
            }
            lastDrawNanos = now;
            out.print("\r" + render(done, total, unit));
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth == lastTenth || tenth == 10) {
                return; // the last line is finish()'s
            }
            lastTenth = tenth;
            out.println(render(done, total, unit));
        }
        lastDone = done;
        out.flush();
    }

    /** Draws {@code done} for good and ends the line. */
    void finish(int done) {
        if (inPlace) {
            out.print("\r" + render(done, total, unit) + System.lineSeparator());
        } else {
            out.println(render(done, total, unit));
        }
        out.flush();
    }
}
