package io.spanloop.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceSupervisorTest {

    @Test
    void shouldDoubleThePauseBeforeEachRestartUpToItsLimit() {
        assertThat(ServiceSupervisor.pauseBefore(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ServiceSupervisor.pauseBefore(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(ServiceSupervisor.pauseBefore(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(ServiceSupervisor.pauseBefore(6)).isEqualTo(ServiceSupervisor.MAX_PAUSE);
        assertThat(ServiceSupervisor.pauseBefore(60)).isEqualTo(ServiceSupervisor.MAX_PAUSE);
    }
}
