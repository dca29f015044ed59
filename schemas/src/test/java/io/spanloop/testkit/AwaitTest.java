package io.spanloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void shouldReturnOnceTheConditionHolds() {
        // Given
        AtomicInteger calls = new AtomicInteger();

        // When
        Await.until(() -> calls.incrementAndGet() == 3, Duration.ofSeconds(5), "the third call");

        // Then
        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldReturnTheFirstAcceptedValue() {
        // Given
        AtomicInteger calls = new AtomicInteger();

        // When
        int value = Await.until(calls::incrementAndGet, n -> n >= 4, Duration.ofSeconds(5), "4");

        // Then
        assertThat(value).isEqualTo(4);
    }

    @Test
    void shouldFailNamingWhatItAwaitedAndTheLastValueAfterCheckingAtTheEnd() {
        // Given
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();

        // When / Then
        assertThatThrownBy(
                        () ->
                                Await.until(
                                        calls::incrementAndGet,
                                        n -> false,
                                        Duration.ofMillis(300),
                                        "the impossible"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after 300 ms waiting for the impossible; last: ")
                .hasMessageEndingWith("last: " + calls.get());
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void shouldFailWithoutALastValueForAPlainCondition() {
        assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(50), "nothing"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("timed out after 50 ms waiting for nothing");
    }

    @Test
    void shouldStopAtOnceWhenTheConditionThrows() {
        assertThatThrownBy(
                        () ->
                                Await.until(
                                        () -> {
                                            throw new IllegalStateException("broken");
                                        },
                                        Duration.ofSeconds(30),
                                        "anything"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broken");
    }
}
