package io.spanloop.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void shouldBlockAClientAfterTooManyFailuresUntilTheOldestLeavesTheWindow() {
        LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(60));
        throttle.recordFailure("10.0.0.1", T0);
        throttle.recordFailure("10.0.0.1", T0.plusSeconds(10));
        assertThat(throttle.blockedFor("10.0.0.1", T0.plusSeconds(11))).isEmpty();
        throttle.recordFailure("10.0.0.1", T0.plusSeconds(20));

        assertThat(throttle.blockedFor("10.0.0.1", T0.plusSeconds(21)))
                .contains(Duration.ofSeconds(39));
        assertThat(throttle.blockedFor("10.0.0.2", T0.plusSeconds(21))).isEmpty();
        // the first failure leaves the window at T0 + 60 s: one more try is allowed
        assertThat(throttle.blockedFor("10.0.0.1", T0.plusSeconds(60))).isEmpty();
        throttle.recordFailure("10.0.0.1", T0.plusSeconds(61));
        assertThat(throttle.blockedFor("10.0.0.1", T0.plusSeconds(62)))
                .contains(Duration.ofSeconds(8));
    }
}
