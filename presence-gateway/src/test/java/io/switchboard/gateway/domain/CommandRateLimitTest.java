package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandRateLimitTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstGoesThroughThenTheRateHolds() {
        CommandRateLimit limit = new CommandRateLimit(10, 20, 0);
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            allowed += limit.take(0) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(limit.take(SECOND / 20)).isFalse(); // half a token back
        assertThat(limit.take(SECOND / 10)).isTrue(); // one token back after 100 ms
        assertThat(limit.take(SECOND / 10)).isFalse();
    }

    @Test
    void aQuietConnectionGetsItsBurstBackButNoMore() {
        CommandRateLimit limit = new CommandRateLimit(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(limit.take(0)).isTrue();
        }
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            allowed += limit.take(60 * SECOND) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(5);
    }

    @Test
    void aLimitThatWouldRefuseEverythingIsRefusedAtStart() {
        assertThatThrownBy(() -> new CommandRateLimit(0, 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommandRateLimit(5, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
