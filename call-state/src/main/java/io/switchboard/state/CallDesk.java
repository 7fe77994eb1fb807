package io.switchboard.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.switchboard.contract.StateChange;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.CallDecider;
import io.switchboard.state.core.Decision;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.Projection;
import io.switchboard.state.core.Situation;
import io.switchboard.state.outbox.OutboxRelay;
import io.switchboard.state.persistence.ProjectionStore;
import io.switchboard.state.persistence.ProjectionStore.OutboxRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where call state changes: in one transaction, lock the tenant, skip a redelivered record,
 * load the call, ask the decider, store the new state, the changes (outbox) and the tenant's seq. Twilio is
 * called only after the commit, by the caller of {@link #handle}.
 */
@ApplicationScoped
public class CallDesk {
    private final AgroalDataSource dataSource;
    private final ProjectionStore store;
    private final OutboxRelay relay;
    private final ObjectMapper json;
    private final CallDecider decider;

    public CallDesk(AgroalDataSource dataSource, ProjectionStore store, OutboxRelay relay, ObjectMapper json,
            CallStateConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.relay = relay;
        this.json = json;
        this.decider = new CallDecider(config.claim().ringTimeout().plus(config.claim().deadlineGrace()));
    }

    /** What one input came to. {@code duplicate}: the record was applied before; nothing was done now. */
    public record Outcome(Decision decision, boolean duplicate) {
        static final Outcome DUPLICATE = new Outcome(null, true);
    }

    /**
     * @param deliveryId the Kafka record's id (event id, command id), or null for a timer's input
     * @param askingAgent the agent whose command this is, or null
     */
    public Outcome handle(String tenantId, String deliveryId, Input input, String askingAgent) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq = store.lockTenant(c, tenantId);
                if (deliveryId != null && !store.firstDelivery(c, deliveryId)) {
                    c.rollback();
                    return Outcome.DUPLICATE;
                }
                Situation before = store.load(c, tenantId, input.callSid(), askingAgent);
                Decision decision = decider.decide(input, before);
                Projection.Applied applied = Projection.apply(before, decision.facts(), seq + 1);
                store.save(c, before, applied.situation());
                store.appendChanges(c, tenantId, rows(applied.changes()));
                c.commit();
                if (!applied.changes().isEmpty()) {
                    relay.wake();
                }
                return new Outcome(decision, false);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private List<OutboxRow> rows(List<StateChange> changes) {
        List<OutboxRow> rows = new ArrayList<>(changes.size());
        for (StateChange change : changes) {
            try {
                rows.add(new OutboxRow(change.seq(), json.writeValueAsString(change)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write change " + change, e);
            }
        }
        return rows;
    }
}
