package io.switchboard.state.timer;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.switchboard.state.CallDesk;
import io.switchboard.state.TwilioActionRunner;
import io.switchboard.state.core.Input;
import io.switchboard.state.persistence.ProjectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Gives back claims whose stored deadline passed. The deadlines live in Postgres, so they fire after a
 * restart too; with several replicas each may find the same claim, and the decider turns all but the first
 * into nothing.
 */
@ApplicationScoped
public class ClaimTimer {
    private static final Logger LOG = Logger.getLogger(ClaimTimer.class);

    private final AgroalDataSource dataSource;
    private final ProjectionStore store;
    private final CallDesk desk;
    private final TwilioActionRunner actions;
    private final Clock clock;

    public ClaimTimer(AgroalDataSource dataSource, ProjectionStore store, CallDesk desk, TwilioActionRunner actions,
            Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.desk = desk;
        this.actions = actions;
        this.clock = clock;
    }

    @Scheduled(every = "${switchboard.claim.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void giveBackExpiredClaims() {
        try {
            Instant now = clock.instant();
            List<String[]> expired;
            try (Connection c = dataSource.getConnection()) {
                expired = store.expiredClaims(c, now, 100);
            }
            for (String[] claim : expired) {
                String tenantId = claim[0];
                var outcome = desk.handle(tenantId, null, new Input.ClaimExpired(claim[1], now), null);
                actions.run(tenantId, outcome.decision().actions());
            }
        } catch (Exception e) {
            LOG.warnf("Expired claims not given back yet, will retry: %s", e.getMessage());
        }
    }
}
