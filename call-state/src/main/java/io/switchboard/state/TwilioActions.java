package io.switchboard.state;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.scheduler.Scheduled;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.TwilioAction;
import io.switchboard.state.persistence.ActionStore;
import io.switchboard.state.persistence.ActionStore.StoredAction;
import io.switchboard.state.twilio.TwilioCalls;
import io.switchboard.state.twilio.TwilioCalls.CallGoneException;
import io.switchboard.state.twilio.TwilioCalls.TwilioUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Carries out the Twilio actions decisions stored, off the decision lane: in order per call, calls side by side.
 * What Twilio answered goes back to the decider as an input, in the transaction that deletes the action's row —
 * a failed connect ({@link Input.ConnectFailed}: the claim is given back at once, not at its deadline), a park
 * Twilio took or refused ({@link Input.ParkConfirmed}, {@link Input.ParkFailed}) — so an action is settled exactly
 * when its outcome is stored. Actions left behind by a process that died are taken over once their lease passed.
 */
@ApplicationScoped
public class TwilioActions {
    private static final Logger LOG = Logger.getLogger(TwilioActions.class);
    private static final AttributeKey<String> CALL_SID = AttributeKey.stringKey(TraceAttributes.CALL_SID);
    private static final int TAKE_OVER_BATCH = 100;

    private final TwilioCalls twilio;
    private final CallDesk desk;
    private final ActionStore store;
    private final AgroalDataSource dataSource;
    private final Clock clock;
    private final Tracer tracer;
    private final MeterRegistry metrics;
    private final Duration lease;
    private final Lanes calls;

    public TwilioActions(TwilioCalls twilio, CallDesk desk, ActionStore store, AgroalDataSource dataSource,
            Clock clock, Tracer tracer, MeterRegistry metrics, CallStateConfig config, ManagedExecutor pool) {
        this.twilio = twilio;
        this.desk = desk;
        this.store = store;
        this.dataSource = dataSource;
        this.clock = clock;
        this.tracer = tracer;
        this.metrics = metrics;
        this.lease = config.twilio().actionLease();
        this.calls = new Lanes(pool);
    }

    /**
     * Carries out stored actions, each after the earlier ones of its call.
     *
     * @return completes once all are settled: with why one failed, for an agent waiting on it; empty when all went
     *     through
     */
    public CompletableFuture<Optional<String>> carryOut(List<StoredAction> actions) {
        CompletableFuture<Optional<String>> all = CompletableFuture.completedFuture(Optional.empty());
        for (StoredAction action : actions) {
            CompletableFuture<Optional<String>> one = calls.run(action.action().callSid(), () -> carryOut(action));
            all = all.thenCombine(one, (before, now) -> before.isPresent() ? before : now);
        }
        return all;
    }

    /**
     * Asks Twilio for its own record of a call that has been silent for {@code switchboard.reconcile.after}, after the
     * call's earlier actions, and hands it to the decider: a call Twilio says is over ends on every screen, its agent
     * freed. Not a stored action: one lost with its process is asked again after the next such silence.
     */
    public CompletableFuture<Void> reconcile(String tenantId, String callSid) {
        return calls.run(callSid, () -> {
            reconcileNow(tenantId, callSid);
            return null;
        });
    }

    private void reconcileNow(String tenantId, String callSid) {
        Span span = tracer.spanBuilder("twilio FetchCall").setSpanKind(SpanKind.CLIENT)
                .setAttribute(CALL_SID, callSid).startSpan();
        Optional<TwilioCalls.CallAtTwilio> record;
        try (Scope ignored = span.makeCurrent()) {
            record = twilio.fetch(callSid);
        } catch (TwilioUnavailableException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            LOG.warnf("Could not read Twilio's record of silent call %s of tenant %s; asking again after the next"
                    + " silence: %s", callSid, tenantId, e.getMessage());
            reconciliation("unreachable");
            return;
        } finally {
            span.end();
        }
        TwilioCallStatus status = record.map(TwilioCalls.CallAtTwilio::status).orElse(null);
        Instant endedAt = record.map(TwilioCalls.CallAtTwilio::endedAt).orElse(null);
        Input.TwilioRecord input = new Input.TwilioRecord(callSid, status, endedAt, clock.instant());
        CallDesk.Outcome outcome = Retry.untilStored("Twilio's record of call " + callSid,
                () -> desk.handle(tenantId, null, input, null));
        boolean ended = outcome.decision() != null && !outcome.decision().facts().isEmpty();
        reconciliation(record.isEmpty() ? "unknown" : status != null && status.isFinal() ? "over" : "live");
        if (ended) {
            LOG.warnf("Ended call %s of tenant %s from Twilio's record (%s): its final callback never arrived",
                    callSid, tenantId, record.isEmpty() ? "Twilio does not know the call" : status.wire());
            metrics.counter("switchboard.state.calls.reconciled").increment();
        }
    }

    private void reconciliation(String twilioSays) {
        metrics.counter("switchboard.state.reconciliation.checks", "twilio", twilioSays).increment();
    }

    /** Takes over actions whose process died before settling them. Every replica looks; each row goes to one. */
    @Scheduled(every = "${switchboard.timers.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void takeOverOrphans() {
        try (Connection c = dataSource.getConnection()) {
            List<StoredAction> orphans = new ArrayList<>();
            for (StoredAction orphan : store.takeOver(c, lease, TAKE_OVER_BATCH)) {
                if (orphan.action() instanceof TwilioAction.ConnectToAgent connect && !store.claimWaiting(c, connect)) {
                    // Its claim connected (the agent answered, the caller joined: the connect went through before
                    // its process died), was given back, or ended. Doing it again would take the caller out of their
                    // conversation, or to an agent who no longer has the call.
                    store.done(c, orphan.id());
                    count(orphan.action().getClass().getSimpleName(), "no_longer_due");
                    continue;
                }
                orphans.add(orphan);
            }
            if (!orphans.isEmpty()) {
                LOG.infof("Taking over %d Twilio actions a stopped process left unsettled", orphans.size());
                metrics.counter("switchboard.state.twilio.actions.taken.over").increment(orphans.size());
                carryOut(orphans);
            }
        } catch (SQLException e) {
            LOG.warnf("Unsettled Twilio actions not looked for, will retry: %s", e.getMessage());
        }
    }

    private Optional<String> carryOut(StoredAction stored) {
        TwilioAction action = stored.action();
        String kind = action.getClass().getSimpleName();
        if (clock.instant().isAfter(stored.leaseUntil())) {
            // Waited past its lease behind its call's earlier actions: another replica may be doing it already.
            LOG.warnf("Twilio action %s for call %s left to the replica that takes it over: its lease passed",
                    kind, action.callSid());
            return Optional.empty();
        }
        // twilio-java's HTTP client has no instrumentation of its own: this span is Twilio's REST call in the trace.
        Span span = tracer.spanBuilder("twilio " + kind).setSpanKind(SpanKind.CLIENT)
                .setAttribute(CALL_SID, action.callSid()).startSpan();
        Input.CallInput outcome;
        Optional<String> refusal = Optional.empty();
        try (Scope ignored = span.makeCurrent()) {
            if (action instanceof TwilioAction.FindVoicemail find) {
                outcome = twilio.voicemailOf(find.callSid()).map(recorded -> (Input.CallInput)
                        new Input.VoicemailRecorded(find.callSid(), recorded.sid(), find.from(), find.to(),
                                recorded.url(), recorded.durationSeconds(), clock.instant())).orElse(null);
            } else {
                outcome = done(action, twilio.perform(stored.tenantId(), action, stored.takenOver()));
            }
            count(kind, "done");
        } catch (CallGoneException | TwilioUnavailableException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            boolean gone = e instanceof CallGoneException;
            LOG.warnf("Twilio refused %s for call %s of tenant %s: %s", kind, action.callSid(), stored.tenantId(),
                    e.getMessage());
            count(kind, gone ? "call_gone" : "failed");
            outcome = refused(action, e, stored.takenOver());
            refusal = Optional.of(gone ? "The caller has already hung up."
                    : "Twilio did not take the request; nothing changed. Try again in a moment.");
        } finally {
            span.end();
            Timer.builder("switchboard.state.twilio.actions.delay")
                    .description("From the decision that stored a Twilio action to Twilio's answer to it")
                    .tag("action", kind).publishPercentileHistogram().register(metrics)
                    .record(Duration.between(stored.storedAt(), clock.instant()));
        }
        Input.CallInput settled = outcome;
        Retry.untilStored("outcome of Twilio action " + stored.id(), () -> {
            desk.settle(stored, settled);
            return null;
        });
        return refusal;
    }

    /**
     * What Twilio doing {@code action} tells the decider: the leg it dialled for a connect, the park it took, how the
     * number it was asked about is.
     */
    private Input.CallInput done(TwilioAction action, Optional<TwilioCalls.Leg> leg) {
        if (action instanceof TwilioAction.PlaceCall place && leg.isPresent()) {
            return new Input.AgentDialed(place.callSid(), place.agentId(), place.placedAt(), leg.get().sid(),
                    clock.instant());
        } else if (action instanceof TwilioAction.ConnectToAgent connect && leg.isPresent()) {
            return new Input.AgentDialed(connect.callSid(), connect.agentId(), connect.claimedAt(), leg.get().sid(),
                    clock.instant());
        } else if (action instanceof TwilioAction.CheckNumber check && leg.isPresent()) {
            return new Input.NumberLegStatus(check.callSid(), leg.get().sid(), leg.get().status(), clock.instant());
        } else if (action instanceof TwilioAction.ParkCaller park) {
            return new Input.ParkConfirmed(park.callSid(), park.agentId(), park.parkedAt(), clock.instant());
        } else if (action instanceof TwilioAction.HoldCaller hold && !hold.inParkingLot()) {
            return new Input.CallerWaiting(hold.callSid(), clock.instant());
        }
        return null;
    }

    private Input.CallInput refused(TwilioAction action, RuntimeException refusal, boolean takenOver) {
        boolean gone = refusal instanceof CallGoneException;
        if (refusal instanceof TwilioCalls.AgentLeftException && action instanceof TwilioAction.CancelConsult cancel) {
            return new Input.AgentLeft(cancel.callSid(), cancel.agentId(), clock.instant());
        } else if (refusal instanceof TwilioCalls.ColleagueLeftException left
                && action instanceof TwilioAction.CompleteTransfer complete) {
            return new Input.ColleagueLeft(complete.callSid(), complete.agentId(), complete.colleague(),
                    left.agentLeg(), clock.instant());
        } else if (action instanceof TwilioAction.ConnectToAgent connect) {
            return new Input.ConnectFailed(connect.callSid(), connect.agentId(), gone, clock.instant());
        } else if (action instanceof TwilioAction.PlaceCall place) {
            return new Input.ConnectFailed(place.callSid(), place.agentId(), gone, clock.instant());
        } else if (action instanceof TwilioAction.CallNumber number) {
            return new Input.ConnectFailed(number.callSid(), number.agentId(), gone, clock.instant());
        } else if (action instanceof TwilioAction.ParkCaller park) {
            return new Input.ParkFailed(park.callSid(), park.agentId(), park.parkedAt(), gone, clock.instant(),
                    takenOver);
        } else if (action instanceof TwilioAction.HoldCaller hold && !hold.inParkingLot() && gone) {
            return new Input.MoveFailed(hold.callSid(), clock.instant());
        } else if (action instanceof TwilioAction.Overflow overflow) {
            return new Input.OverflowFailed(overflow.callSid(), gone, clock.instant());
        } else if (action instanceof TwilioAction.HoldInConference hold && !gone) {
            return new Input.HoldFailed(hold.callSid(), hold.onHold(), clock.instant());
        } else if (action instanceof TwilioAction.Consult consult && !gone) {
            // Twilio would not ring the colleague: the consult is cancelled, as if the agent had cancelled it.
            return new Input.EndConsult(consult.callSid(), consult.agentId(), false, clock.instant());
        } else if ((action instanceof TwilioAction.StartConsult || action instanceof TwilioAction.Consult) && gone) {
            // The talking call's conference is gone, or the caller or the agent left it: the call is over at Twilio,
            // ended as the agent's conversation (the agent's leaving ended it before the consult could keep it
            // going). Twilio's word, as its record of the call would say.
            Instant now = clock.instant();
            return new Input.TwilioRecord(action.callSid(), TwilioCallStatus.COMPLETED, now, now);
        }
        // A refused wait or hang-up changes nothing here: the caller's own callbacks will say where they are.
        return null;
    }

    private void count(String kind, String outcome) {
        metrics.counter("switchboard.state.twilio.actions", "action", kind, "outcome", outcome).increment();
    }
}
