package io.switchboard.state.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.switchboard.contract.Probe;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Puts a probe in the outbox, so it leaves call-state by the very path changes take (the row, the relay, Kafka). A
 * row without a seq: no tenant's picture changes and no tenant's order is touched.
 */
@ApplicationScoped
public class Probes {
    private final AgroalDataSource dataSource;
    private final OutboxRelay relay;
    private final ObjectMapper json;

    public Probes(AgroalDataSource dataSource, OutboxRelay relay, ObjectMapper json) {
        this.dataSource = dataSource;
        this.relay = relay;
        this.json = json;
    }

    public void store(Probe probe) throws SQLException {
        String payload;
        try {
            payload = json.writeValueAsString(probe);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A probe always serializes", e);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO outbox (tenant_id, seq, payload, traceparent) VALUES (?, NULL, ?, ?)")) {
            s.setString(1, probe.tenantId());
            s.setString(2, payload);
            s.setString(3, OutboxTrace.current());
            s.executeUpdate();
        }
        relay.wake();
    }
}
