package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.domain.SlowClientPolicy.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowClientPolicyTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void resyncsUpToTheLimitWithinTheWindowThenCloses() {
        SlowClientPolicy policy = new SlowClientPolicy(2, 5 * MINUTE);

        assertThat(policy.overflowed(0)).isEqualTo(Verdict.RESYNC);
        assertThat(policy.overflowed(MINUTE)).isEqualTo(Verdict.RESYNC);
        assertThat(policy.overflowed(2 * MINUTE)).isEqualTo(Verdict.CLOSE);
    }

    @Test
    void overflowsOlderThanTheWindowAreForgotten() {
        SlowClientPolicy policy = new SlowClientPolicy(1, 5 * MINUTE);

        assertThat(policy.overflowed(0)).isEqualTo(Verdict.RESYNC);
        assertThat(policy.overflowed(6 * MINUTE)).isEqualTo(Verdict.RESYNC);
        assertThat(policy.overflowed(7 * MINUTE)).isEqualTo(Verdict.CLOSE);
    }

    @Test
    void noResyncsAtAllClosesOnTheFirstOverflow() {
        assertThat(new SlowClientPolicy(0, MINUTE).overflowed(0)).isEqualTo(Verdict.CLOSE);
    }
}
