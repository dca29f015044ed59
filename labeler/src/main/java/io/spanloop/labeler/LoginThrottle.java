package io.spanloop.labeler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing of tokens: once a client (by address) has failed to authenticate {@code
 * maxFailures} times within {@code window}, it is refused until the oldest of those failures is
 * older than the window, whatever it sends (the API answers 429 with Retry-After). A success does
 * not wipe the record: a guesser who also holds one valid token gains nothing.
 */
final class LoginThrottle {

    /** Failures allowed per client within {@link #WINDOW}. */
    static final int MAX_FAILURES = 5;

    static final Duration WINDOW = Duration.ofMinutes(1);

    /** Clients remembered at most; the oldest records are dropped first beyond it. */
    private static final int MAX_CLIENTS = 10_000;

    private final int maxFailures;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle() {
        this(MAX_FAILURES, WINDOW);
    }

    LoginThrottle(int maxFailures, Duration window) {
        this.maxFailures = maxFailures;
        this.window = window;
    }

    /** How long {@code client} must wait before it may try again, if it must. */
    Optional<Duration> blockedFor(String client, Instant now) {
        Deque<Instant> recent = failures.get(client);
        if (recent == null) {
            return Optional.empty();
        }
        synchronized (recent) {
            expire(recent, now);
            if (recent.size() < maxFailures) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, recent.peekFirst().plus(window)));
        }
    }

    void recordFailure(String client, Instant now) {
        if (failures.size() >= MAX_CLIENTS) {
            failures.entrySet().removeIf(e -> isStale(e.getValue(), now));
        }
        Deque<Instant> recent = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (recent) {
            expire(recent, now);
            recent.addLast(now);
        }
    }

    private boolean isStale(Deque<Instant> recent, Instant now) {
        synchronized (recent) {
            expire(recent, now);
            return recent.isEmpty();
        }
    }

    private void expire(Deque<Instant> recent, Instant now) {
        while (!recent.isEmpty() && !recent.peekFirst().plus(window).isAfter(now)) {
            recent.pollFirst();
        }
    }
}
