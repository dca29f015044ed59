package io.spanloop.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for a condition, the one wait loop the tests share: checks at once, then every 10 ms,
 * backing off to every 200 ms, and fails with an {@link AssertionError} that names what it waited
 * for. Exceptions the condition throws end the wait at once.
 */
public final class Await {

    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 200;

    private Await() {}

    /**
     * Returns once {@code condition} holds; fails if it still does not when {@code timeout} has
     * passed (it is checked once more at the end).
     *
     * @param what what is awaited, for the failure message (e.g. {@code "the review view"})
     */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        await(condition::getAsBoolean, Boolean.TRUE::equals, timeout, what, false);
    }

    /**
     * Calls {@code probe} until what it returns satisfies {@code accepted}, and returns that; fails
     * if nothing did when {@code timeout} has passed, with the last value in the message.
     *
     * @param what what is awaited, for the failure message
     */
    public static <T> T until(
            Supplier<T> probe, Predicate<? super T> accepted, Duration timeout, String what) {
        return await(probe, accepted, timeout, what, true);
    }

    private static <T> T await(
            Supplier<T> probe,
            Predicate<? super T> accepted,
            Duration timeout,
            String what,
            boolean showLast) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            T value = probe.get();
            if (accepted.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "timed out after "
                                + format(timeout)
                                + " waiting for "
                                + what
                                + (showLast ? "; last: " + value : ""));
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
    }

    private static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
