package io.switchboard.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
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
import io.switchboard.state.wallboard.Wallboards;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final Wallboards wallboards;

    public CallDesk(AgroalDataSource dataSource, ProjectionStore store, ActionStore actionStore, TwilioActions twilio,
            OutboxRelay relay, ChangePublisher publisher, ObjectMapper json, CallStateConfig config,
            Wallboards wallboards) {
        this.wallboards = wallboards;
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
                config.parking().parkerRingTime(), config.availability().wrapUp(), config.presence().offlineGrace(),
                config.transfer().ringTime(), config.dial().ringTimeout().plus(config.claim().deadlineGrace()),
                config.queue().maxWait()));
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
     * An input that came as a Kafka record.
     *
     * @param deliveryId the record's id (event id, command id): a redelivery is recognised by it
     * @param askingAgent the agent whose command this is, or null
     * @param trace the record's trace: its decision, changes and Twilio actions belong to it
     */
    public record Delivery(String deliveryId, Input input, String askingAgent, Context trace) {
    }

    /**
     * @param deliveryId the Kafka record's id (event id, command id), or null for a timer's input
     * @param askingAgent the agent whose command this is, or null
     */
    public Outcome handle(String tenantId, String deliveryId, Input input, String askingAgent) throws SQLException {
        return handleAll(tenantId, List.of(new Delivery(deliveryId, input, askingAgent, Context.current()))).get(0);
    }

    /**
     * Decides one tenant's inputs one after the other, in one transaction: each sees what the ones before it stored,
     * and the tenant is locked, and the transaction committed, once for them all. Each input's reads go to PostgreSQL
     * with the writes of the input before it, so an input costs one round trip, the batch one more and its commit.
     *
     * @return what each input came to, in the order given
     */
    public List<Outcome> handleAll(String tenantId, List<Delivery> deliveries) throws SQLException {
        return inTransaction(tenantId, (c, tx) -> {
            List<Stored> decided = new ArrayList<>(deliveries.size());
            for (Delivery delivery : deliveries) {
                try (Scope ignored = delivery.trace().makeCurrent()) {
                    ProjectionStore.Opening opening = open(c, tx.writes, tenantId, delivery.deliveryId(),
                            delivery.input(), delivery.askingAgent());
                    decided.add(opening.firstDelivery()
                            ? tx.decide(c, opening.lock(), opening.situation(), delivery.input(), delivery.trace())
                            : null);
                }
            }
            return decided;
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
        inTransaction(action.tenantId(), (c, tx) -> {
            ProjectionStore.Opening opening = open(c, tx.writes, action.tenantId(), null, outcome, null);
            actionStore.done(tx.writes, action.id());
            return List.of(tx.decide(c, opening.lock(), opening.situation(), outcome, Context.current()));
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
        inTransaction(tenantId, (c, tx) -> {
            ProjectionStore.TenantLock lock = store.lockTenant(c, tenantId);
            Set<String> touched = touch.find(c);
            Map<String, ProjectionStore.Reviewed> agents = store.agentsToReview(c, tenantId, touched);
            List<Stored> decided = new ArrayList<>();
            for (String agentId : touched) {
                ProjectionStore.Reviewed reviewed = agents.get(agentId);
                // A review looks at its agent alone: each one's situation is as loaded, whatever the others decide.
                Situation alone = new Situation(tenantId, null, false,
                        reviewed == null ? Map.of() : Map.of(agentId, reviewed.agent()));
                Input review = new Input.ReviewAgent(agentId, reviewed == null ? 0 : reviewed.openConnections(),
                        timedOut, at);
                decided.add(tx.decide(c, lock, alone, review, Context.current()));
            }
            return decided;
        });
    }

    private ProjectionStore.Opening open(Connection c, RoundTrip before, String tenantId, String deliveryId,
            Input input, String askingAgent) throws SQLException {
        String callSid = input instanceof Input.CallInput call ? call.callSid() : null;
        String agentId = input instanceof Input.AgentInput agent ? agent.agentId() : askingAgent;
        String named = input instanceof Input.Transfer transfer ? transfer.to() : null;
        String voicemailId = input instanceof Input.VoicemailInput voicemail ? voicemail.voicemailId()
                : input instanceof Input.VoicemailRecorded recorded ? recorded.voicemailId() : null;
        return store.open(c, before, tenantId, deliveryId, callSid, agentId, named, voicemailId,
                input instanceof Input.Park, input instanceof Input.Dial,
                input instanceof Input.Administer administer ? administer : null);
    }

    private interface Work {
        /**
         * Decides under the tenant's lock ({@link Transaction#decide}), leaving the last writes in the transaction's
         * {@code writes}.
         *
         * @return each input's decision as stored, null for a redelivery
         */
        List<Stored> run(Connection c, Transaction tx) throws SQLException;
    }

    /**
     * @param changes the decision's changes, numbered on from the tenant's seq, appended to the outbox
     * @param actions the Twilio actions stored with it
     * @param trace the trace the decision was made in
     */
    private record Stored(Decision decision, List<OutboxRow> changes, List<StoredAction> actions, Context trace) {
    }

    /** The decisions of one transaction, and the writes not yet sent to PostgreSQL. */
    private final class Transaction {
        final String tenantId;
        final RoundTrip writes = new RoundTrip();
        /** Whether this process publishes the transaction's changes itself: decided at its first decision. */
        Boolean publishHere;
        /** The tenant's seq after the transaction's last decision. */
        long seq;

        Transaction(String tenantId) {
            this.tenantId = tenantId;
        }

        /**
         * Decides on a situation loaded under {@code lock}, adds the new state, the parking history and the changes
         * to {@code writes}, and stores the decision's Twilio actions.
         */
        Stored decide(Connection c, ProjectionStore.TenantLock lock, Situation before, Input input, Context trace)
                throws SQLException {
            if (publishHere == null) {
                publishHere = publisher.mayPublish(tenantId, lock.seq(), lock.oldestUnpublished());
                seq = lock.seq();
            }
            Decision decision = decider.decide(input, before);
            Projection.Applied applied = Projection.apply(before, decision.facts(), seq + 1);
            store.save(writes, before, applied.situation());
            store.recordParking(writes, tenantId, applied.parking());
            store.recordSteps(writes, tenantId, applied.steps());
            store.recordAdmin(writes, tenantId, applied.admin());
            List<OutboxRow> changes = rows(applied.changes());
            store.appendChanges(writes, tenantId, changes, !publishHere);
            seq += changes.size();
            List<StoredAction> actions = decision.actions().isEmpty() ? List.of()
                    : actionStore.store(c, tenantId, decision.actions(), actionLease);
            return new Stored(decision, changes, actions, trace);
        }
    }

    /**
     * One transaction: the work's round trips (the first locks the tenant), one more with its last writes, the commit.
     * Each Twilio action of a decision is stored in a round trip of its own ({@link ActionStore}). After the commit,
     * each decision's Twilio actions are handed over and its changes published, in its own trace.
     */
    private List<Outcome> inTransaction(String tenantId, Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            List<Stored> decided;
            Transaction tx = new Transaction(tenantId);
            try {
                decided = work.run(c, tx);
                if (decided.stream().allMatch(Objects::isNull)) {
                    c.rollback(); // only redeliveries: nothing to keep
                } else {
                    tx.writes.send(c);
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            List<Outcome> outcomes = new ArrayList<>(decided.size());
            boolean relayed = false;
            for (Stored stored : decided) {
                if (stored == null) {
                    outcomes.add(Outcome.DUPLICATE);
                    continue;
                }
                try (Scope ignored = stored.trace().makeCurrent()) {
                    // Twilio first: its round trip is the longer one, and it owes nothing to Kafka.
                    CompletableFuture<Optional<String>> twilioDone = stored.actions.isEmpty() ? Outcome.NO_ACTIONS
                            : twilio.carryOut(stored.actions);
                    if (!stored.changes.isEmpty()) {
                        if (tx.publishHere) {
                            publisher.publish(tenantId, stored.changes, Instant.now());
                        } else {
                            relayed = true;
                        }
                    }
                    outcomes.add(new Outcome(stored.decision, false, twilioDone));
                }
            }
            if (relayed) {
                relay.wake();
            }
            if (decided.stream().anyMatch(stored -> stored != null && !stored.changes.isEmpty())) {
                wallboards.mark(tenantId);
            }
            return outcomes;
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
