package io.switchboard.state.messaging;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.switchboard.contract.PresenceReport;
import io.switchboard.state.CallDesk;
import io.switchboard.state.Retry;
import io.switchboard.state.persistence.ConnectionStore;
import io.switchboard.state.persistence.UnknownTenantException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Turns gateways' connection reports into agents' presence: the connections are stored and the agents they touch
 * reviewed in one transaction. Reports are idempotent (a connection is opened or closed once, a heartbeat says
 * the whole truth), so a redelivery needs no dedupe.
 */
@ApplicationScoped
public class PresenceListener {
    private static final Logger LOG = Logger.getLogger(PresenceListener.class);

    private final CallDesk desk;
    private final AgroalDataSource dataSource;
    private final ConnectionStore connections;
    private final RecordReader reader;
    private final Clock clock;
    private final MeterRegistry metrics;

    public PresenceListener(CallDesk desk, AgroalDataSource dataSource, ConnectionStore connections, RecordReader reader, Clock clock,
            MeterRegistry metrics) {
        this.desk = desk;
        this.dataSource = dataSource;
        this.connections = connections;
        this.reader = reader;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Incoming(Channels.PRESENCE)
    @Blocking // ordered: one tenant's reports are applied one after the other
    public void onReport(String record) {
        PresenceReport report = reader.read(record, PresenceReport.class, Channels.PRESENCE);
        try {
            Retry.untilStored("presence report of " + report.gatewayId(), () -> {
                var now = clock.instant();
                if (!(report instanceof PresenceReport.Heartbeat heartbeat) || !refreshUnchanged(heartbeat, now)) {
                    desk.reviewAgents(report.tenantId(), c -> connections.apply(c, report, now), false, now);
                }
                return null;
            });
        } catch (UnknownTenantException e) {
            reader.rejected(Channels.PRESENCE);
            LOG.errorf("Presence report of gateway %s skipped: %s", report.gatewayId(), e.getMessage());
            return;
        }
        metrics.counter("switchboard.state.presence.reports", "type", report.getClass().getSimpleName()).increment();
    }

    /** The usual heartbeat — the same connections as before — needs no lock: nobody's presence changes. */
    private boolean refreshUnchanged(PresenceReport.Heartbeat heartbeat, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return connections.refreshUnchanged(c, heartbeat, now);
        }
    }
}
