package io.switchboard.state;

import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Stores a decision until its transaction commits — only that: what follows the commit (Twilio, the reply) runs once,
 * outside, so a retry never meets its own already-recorded record. The tenant's lane waits meanwhile — later inputs
 * of the tenant must not overtake this one — and a Kafka record is acknowledged only after success, so nothing
 * acknowledged is lost if the process dies here. Postgres being away shows in readiness, not as lost calls.
 */
public final class Retry {
    private static final Logger LOG = Logger.getLogger(Retry.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    public interface Work<T> {
        T run() throws SQLException;
    }

    private Retry() {
    }

    public static <T> T untilStored(String what, Work<T> work) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                LOG.warnf("Could not store %s (attempt %d), retrying in %d ms: %s", what, attempt, pause.toMillis(),
                        e.getMessage());
            }
            try {
                Thread.sleep(pause.toMillis()); // a back-off between attempts, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while retrying " + what, e);
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }
}
