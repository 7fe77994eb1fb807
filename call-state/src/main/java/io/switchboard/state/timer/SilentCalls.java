package io.switchboard.state.timer;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.switchboard.state.TwilioActions;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.persistence.ProjectionStore;
import io.switchboard.state.persistence.ProjectionStore.Due;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Finds live calls that have been silent for {@code switchboard.reconcile.after} and has them checked against
 * Twilio's own record ({@link TwilioActions#reconcile}). Twilio gives up on a webhook after 15 s at most: a final
 * callback lost for good would otherwise leave the call on every screen, and its agent busy, forever. Each silent call
 * goes to one replica.
 */
@ApplicationScoped
public class SilentCalls {
    private static final Logger LOG = Logger.getLogger(SilentCalls.class);
    private static final int BATCH = 100;

    private final AgroalDataSource dataSource;
    private final ProjectionStore store;
    private final TwilioActions twilio;
    private final Duration silence;
    private volatile boolean stopping;

    public SilentCalls(AgroalDataSource dataSource, ProjectionStore store, TwilioActions twilio,
            CallStateConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.twilio = twilio;
        this.silence = config.reconcile().after();
    }

    /** Like the deadlines: a replica shutting down leaves the checks to the others. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${switchboard.timers.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (stopping) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            List<Due> silent = store.callsToReconcile(c, silence, BATCH);
            for (Due call : silent) {
                twilio.reconcile(call.tenantId(), call.id());
            }
        } catch (SQLException e) {
            LOG.warnf("Silent calls not looked for, will retry: %s", e.getMessage());
        }
    }
}
