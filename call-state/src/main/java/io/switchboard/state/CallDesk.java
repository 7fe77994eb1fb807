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
import io.switchboard.state.outbox.ChangePublisher;
import io.switchboard.state.outbox.OutboxRelay;
import io.switchboard.state.persistence.ActionStore;
import io.switchboard.state.persistence.ActionStore.StoredAction;
import io.switchboard.state.persistence.ProjectionStore;
import io.switchboard.state.persistence.ProjectionStore.OutboxRow;
import io.switchboard.state.persistence.RoundTrip;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The one place where call state changes, and the loop around the decider: in one transaction, lock the tenant, skip
 * a redelivered record, load the call, ask the decider, store the new state, the changes (outbox), the Twilio actions
 * (action outbox) and the tenant's seq; after the commit, publish the changes ({@link ChangePublisher}) and hand the
 * actions to {@link TwilioActions}, whose outcomes come back here ({@link #settle}) as inputs of their own.
 */
@ApplicationScoped
public class CallDesk {
    private final AgroalDataSource dataSource;
    private final ProjectionStore store;
    private final ActionStore actionStore;
    private final TwilioActions twilio;
    private final OutboxRelay relay;
    private final ChangePublisher publisher;
    private final ObjectMapper json;
    private final CallDecider decider;
    private final Duration actionLease;

    public CallDesk(AgroalDataSource dataSource, ProjectionStore store, ActionStore actionStore, TwilioActions twilio,
            OutboxRelay relay, ChangePublisher publisher, ObjectMapper json, CallStateConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.actionStore = actionStore;
        this.twilio = twilio;
        this.relay = relay;
        this.publisher = publisher;
        this.json = json;
        this.actionLease = config.twilio().actionLease();
        this.decider = new CallDecider(new CallDecider.Timing(
                config.claim().ringTimeout().plus(config.claim().deadlineGrace()), config.parking().timeout(),
                config.parking().parkerRingTime(), config.availability().wrapUp(), config.presence().offlineGrace()));
    }

    /**
     * What one input came to. {@code duplicate}: the record was applied before; nothing was done now.
     * {@code twilio}: completes when Twilio carried out the decision's actions, with why one failed (empty when all
     * went through, or when there were none).
     */
    public record Outcome(Decision decision, boolean duplicate, CompletableFuture<Optional<String>> twilio) {
        static final CompletableFuture<Optional<String>> NO_ACTIONS = CompletableFuture.completedFuture(
                Optional.empty());
        static final Outcome DUPLICATE = new Outcome(null, true, NO_ACTIONS);
    }

    /**
     * @param deliveryId the Kafka record's id (event id, command id), or null for a timer's input
     * @param askingAgent the agent whose command this is, or null
     */
    public Outcome handle(String tenantId, String deliveryId, Input input, String askingAgent) throws SQLException {
        return inTransaction(tenantId, (c, writes) -> {
            ProjectionStore.Opening opening = open(c, tenantId, deliveryId, input, askingAgent);
            if (!opening.firstDelivery()) {
                return null;
            }
            return decideAndStore(c, writes, opening.lock(), opening.lock().seq(), opening.situation(), input);
        });
    }

    /**
     * Settles a Twilio action: its row goes, and what Twilio answered, if it means something to the call, is decided
     * and stored in the same transaction.
     *
     * @param outcome what Twilio's answer means for the call, or null when it changes nothing
     */
    public void settle(StoredAction action, Input.CallInput outcome) throws SQLException {
        if (outcome == null) {
            try (Connection c = dataSource.getConnection()) {
                actionStore.done(c, action.id());
            }
            return;
        }
        inTransaction(action.tenantId(), (c, writes) -> {
            ProjectionStore.Opening opening = open(c, action.tenantId(), null, outcome, null);
            actionStore.done(writes, action.id());
            return decideAndStore(c, writes, opening.lock(), opening.lock().seq(), opening.situation(), outcome);
        });
    }

    /** Finds the agents a piece of work touched (their connections changed, say), inside the tenant's lock. */
    public interface AgentsTouched {
        Set<String> find(Connection c) throws SQLException;
    }

    /**
     * Runs {@code touch} and reviews every agent it returns ({@link Input.ReviewAgent}, counting their open
     * connections), in one transaction: presence follows the connections it is computed from, atomically.
     *
     * @param timedOut {@code touch} dropped connections whose gateway stopped reporting
     */
    public void reviewAgents(String tenantId, AgentsTouched touch, boolean timedOut, Instant at) throws SQLException {
        inTransaction(tenantId, (c, writes) -> {
            ProjectionStore.TenantLock lock = store.lockTenant(c, tenantId);
            Set<String> touched = touch.find(c);
            Map<String, ProjectionStore.Reviewed> agents = store.agentsToReview(c, tenantId, touched);
            long seq = lock.seq();
            List<StoredAction> actions = new ArrayList<>();
            List<OutboxRow> changes = new ArrayList<>();
            for (String agentId : touched) {
                ProjectionStore.Reviewed reviewed = agents.get(agentId);
                // A review looks at its agent alone: each one's situation is as loaded, whatever the others decide.
                Situation alone = new Situation(tenantId, null, false,
                        reviewed == null ? Map.of() : Map.of(agentId, reviewed.agent()));
                Input review = new Input.ReviewAgent(agentId, reviewed == null ? 0 : reviewed.openConnections(),
                        timedOut, at);
                Stored stored = decideAndStore(c, writes, lock, seq, alone, review);
                seq += stored.changes.size();
                actions.addAll(stored.actions);
                changes.addAll(stored.changes);
            }
            return new Stored(lock, Decision.NOTHING, changes, actions);
        });
    }

    private ProjectionStore.Opening open(Connection c, String tenantId, String deliveryId, Input input,
            String askingAgent) throws SQLException {
        String callSid = input instanceof Input.CallInput call ? call.callSid() : null;
        String agentId = input instanceof Input.AgentInput agent ? agent.agentId() : askingAgent;
        return store.open(c, tenantId, deliveryId, callSid, agentId, input instanceof Input.Park);
    }

    private interface Work {
        /**
         * Opens with the tenant's lock, decides, and adds what to store to {@code writes}.
         *
         * @return the outcome, or null when the work was a redelivery
         */
        Stored run(Connection c, RoundTrip writes) throws SQLException;
    }

    /**
     * @param lock the tenant's lock the work was done under
     * @param changes the work's changes, numbered from the tenant's seq on, to be appended to the outbox
     * @param actions the Twilio actions stored with it
     */
    private record Stored(ProjectionStore.TenantLock lock, Decision decision, List<OutboxRow> changes,
            List<StoredAction> actions) {
    }

    /**
     * One transaction of about three round trips: the work opens it (lock, dedupe, load), all its writes go in one
     * more, then the commit. Each Twilio action of a decision is stored in a round trip of its own
     * ({@link ActionStore}).
     */
    private Outcome inTransaction(String tenantId, Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                RoundTrip writes = new RoundTrip();
                Stored stored = work.run(c, writes);
                if (stored == null) {
                    c.rollback();
                    return Outcome.DUPLICATE;
                }
                ProjectionStore.TenantLock lock = stored.lock;
                boolean publishHere = publisher.mayPublish(tenantId, lock.seq(), lock.oldestUnpublished());
                store.appendChanges(writes, tenantId, stored.changes, !publishHere);
                writes.send(c);
                c.commit();
                // Twilio first: its round trip is the longer one, and it owes nothing to Kafka.
                CompletableFuture<Optional<String>> twilioDone = stored.actions.isEmpty() ? Outcome.NO_ACTIONS
                        : twilio.carryOut(stored.actions);
                if (!stored.changes.isEmpty()) {
                    if (publishHere) {
                        publisher.publish(tenantId, stored.changes, Instant.now());
                    } else {
                        relay.wake();
                    }
                }
                return new Outcome(stored.decision, false, twilioDone);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Decides on a situation loaded under {@code lock}, adds the new state and the parking history to {@code writes}
     * and stores the decision's Twilio actions.
     *
     * @param seq the tenant's seq before this decision: the lock's, or past the changes of the transaction's decisions
     *     before it
     */
    private Stored decideAndStore(Connection c, RoundTrip writes, ProjectionStore.TenantLock lock, long seq,
            Situation before, Input input) throws SQLException {
        Decision decision = decider.decide(input, before);
        Projection.Applied applied = Projection.apply(before, decision.facts(), seq + 1);
        store.save(writes, before, applied.situation());
        store.recordParking(writes, before.tenantId(), applied.parking());
        List<StoredAction> actions = decision.actions().isEmpty() ? List.of()
                : actionStore.store(c, before.tenantId(), decision.actions(), actionLease);
        return new Stored(lock, decision, rows(applied.changes()), actions);
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
