package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.SwitchboardTestResource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Inside the application: SmallRye Fault Tolerance's guards come from its CDI container. */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class RetryTest {

    @Test
    void aStoreThatFailsIsTriedAgainPastAnyUsualLimitWithAPauseThatDoubles() {
        List<Long> attempts = new ArrayList<>();

        String stored = Retry.untilStored("a test decision", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() <= 5) {
                throw new SQLException("PostgreSQL is away");
            }
            return "stored";
        });

        assertThat(stored).isEqualTo("stored");
        // Five failures: more than MicroProfile's default of three retries.
        assertThat(attempts).hasSize(6);
        long[] expected = {100, 200, 400, 800, 1600};
        for (int i = 0; i < expected.length; i++) {
            long pauseMillis = (attempts.get(i + 1) - attempts.get(i)) / 1_000_000;
            assertThat(pauseMillis).as("pause before attempt %d", i + 2)
                    .isGreaterThanOrEqualTo(expected[i] - 5).isLessThan(expected[i] + 500);
        }
    }

    @Test
    void onlyAStorageFailureIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> Retry.untilStored("a test decision", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a bug, not PostgreSQL");
        })).isInstanceOf(IllegalStateException.class).hasMessage("a bug, not PostgreSQL");
        assertThat(calls).hasValue(1);
    }
}
