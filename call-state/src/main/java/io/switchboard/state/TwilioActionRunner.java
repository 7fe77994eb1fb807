package io.switchboard.state;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.TwilioAction;
import io.switchboard.state.twilio.TwilioCalls;
import io.switchboard.state.twilio.TwilioCalls.CallGoneException;
import io.switchboard.state.twilio.TwilioCalls.TwilioUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Carries out the Twilio actions of a stored decision. A failed connect or park is fed back to the decider
 * ({@link Input.ConnectFailed}, {@link Input.ParkFailed}): the claim is given back at once instead of at its
 * deadline, and a call Twilio did not park goes back to its agent. So is a park Twilio took
 * ({@link Input.ParkConfirmed}): until then, a caller's end is the end of their talk with the parker.
 */
@ApplicationScoped
public class TwilioActionRunner {
    private static final Logger LOG = Logger.getLogger(TwilioActionRunner.class);
    private static final AttributeKey<String> CALL_SID = AttributeKey.stringKey(TraceAttributes.CALL_SID);

    private final TwilioCalls twilio;
    private final CallDesk desk;
    private final Clock clock;
    private final Tracer tracer;

    public TwilioActionRunner(TwilioCalls twilio, CallDesk desk, Clock clock, Tracer tracer) {
        this.twilio = twilio;
        this.desk = desk;
        this.clock = clock;
        this.tracer = tracer;
    }

    /** @return why an action failed, for the agent who asked; empty when all went through */
    public Optional<String> run(String tenantId, List<TwilioAction> actions) {
        for (TwilioAction action : actions) {
            // twilio-java's HTTP client has no instrumentation of its own: this span is Twilio's REST call in the trace.
            Span span = tracer.spanBuilder("twilio " + action.getClass().getSimpleName()).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(CALL_SID, action.callSid()).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                perform(tenantId, action);
            } catch (CallGoneException | TwilioUnavailableException e) {
                span.setStatus(StatusCode.ERROR, e.getMessage());
                boolean gone = e instanceof CallGoneException;
                LOG.warnf("Twilio refused %s for call %s of tenant %s: %s", action.getClass().getSimpleName(),
                        action.callSid(), tenantId, e.getMessage());
                if (action instanceof TwilioAction.ConnectToAgent connect) {
                    feedBack(tenantId, new Input.ConnectFailed(connect.callSid(), connect.agentId(), gone,
                            clock.instant()));
                } else if (action instanceof TwilioAction.ParkCaller park) {
                    feedBack(tenantId, new Input.ParkFailed(park.callSid(), park.agentId(), gone, clock.instant()));
                }
                return Optional.of(gone ? "The caller has already hung up."
                        : "Twilio did not take the request; nothing changed. Try again in a moment.");
            } finally {
                span.end();
            }
            if (action instanceof TwilioAction.ParkCaller park) {
                feedBack(tenantId, new Input.ParkConfirmed(park.callSid(), park.agentId(), clock.instant()));
            }
        }
        return Optional.empty();
    }

    private void feedBack(String tenantId, Input.CallInput outcome) {
        try {
            desk.handle(tenantId, null, outcome, null);
        } catch (SQLException e) {
            // A failed connect is not lost: the claim's stored deadline gives the call back. A failed park is:
            // the call shows parked while the agent still talks; say so loudly. A lost confirmation makes the
            // caller's hang-up from the lot read as the end of their talk with the parker.
            LOG.errorf("%s for call %s not stored: %s", outcome.getClass().getSimpleName(), outcome.callSid(),
                    e.getMessage());
        }
    }

    private void perform(String tenantId, TwilioAction action) {
        if (action instanceof TwilioAction.ConnectToAgent connect) {
            twilio.connectToAgent(tenantId, connect.callSid(), connect.agentId(), connect.fromParkingLot(),
                    connect.claimedAt());
        } else if (action instanceof TwilioAction.HoldCaller hold) {
            twilio.hold(tenantId, hold.callSid(), hold.inParkingLot());
        } else if (action instanceof TwilioAction.ParkCaller park) {
            twilio.hold(tenantId, park.callSid(), true);
        } else if (action instanceof TwilioAction.EndCall end) {
            twilio.endCall(end.callSid());
        }
    }
}
