package io.switchboard.state;

import io.smallrye.faulttolerance.api.Guard;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Stores a decision until its transaction commits — only that: what follows the commit (Twilio, the reply) runs once,
 * outside, so a retry never meets its own already-recorded record. The tenant's lane waits meanwhile — later inputs
 * of the tenant must not overtake this one — and a Kafka record is acknowledged only after success, so nothing
 * acknowledged is lost if the process dies here. Postgres being away shows in readiness, not as lost calls.
 */
public final class Retry {
    private static final Logger LOG = Logger.getLogger(Retry.class);

    /**
     * SmallRye Fault Tolerance's retry, without end: no count (-1) and no total duration (0), since a decision that
     * gave up would be lost. Only a {@link SQLException} is tried again; the pause starts at 100 ms and doubles to 5 s
     * (no jitter: one PostgreSQL outage, one writer per tenant).
     */
    private static final Guard UNTIL_STORED = Guard.create()
            .withDescription("storing a decision until it commits")
            .withRetry()
            .maxRetries(-1)
            .maxDuration(0, ChronoUnit.MILLIS)
            .delay(100, ChronoUnit.MILLIS)
            .jitter(0, ChronoUnit.MILLIS)
            .retryOn(SQLException.class)
            .withExponentialBackoff().factor(2).maxDelay(5, ChronoUnit.SECONDS).done()
            .done()
            .build();

    public interface Work<T> {
        T run() throws SQLException;
    }

    private Retry() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T untilStored(String what, Work<T> work) {
        AtomicInteger attempt = new AtomicInteger();
        try {
            return (T) UNTIL_STORED.call(() -> {
                try {
                    return work.run();
                } catch (SQLException e) {
                    LOG.warnf("Could not store %s (attempt %d), retrying after a pause (100 ms, doubling to 5 s): %s",
                            what, attempt.incrementAndGet(), e.getMessage());
                    throw e;
                }
            }, Object.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying " + what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Only a SQLException is retried, and retried without end: nothing else checked gets here.
            throw new IllegalStateException("Could not store " + what, e);
        }
    }
}
