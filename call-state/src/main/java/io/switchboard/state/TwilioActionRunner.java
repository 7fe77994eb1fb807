package io.switchboard.state;

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
 * Carries out the Twilio actions of a stored decision. A failed connect is fed back to the decider
 * ({@link Input.ConnectFailed}) so the claim is given back instead of hanging until its deadline.
 */
@ApplicationScoped
public class TwilioActionRunner {
    private static final Logger LOG = Logger.getLogger(TwilioActionRunner.class);

    private final TwilioCalls twilio;
    private final CallDesk desk;
    private final Clock clock;

    public TwilioActionRunner(TwilioCalls twilio, CallDesk desk, Clock clock) {
        this.twilio = twilio;
        this.desk = desk;
        this.clock = clock;
    }

    /** @return why an action failed, for the agent who asked; empty when all went through */
    public Optional<String> run(String tenantId, List<TwilioAction> actions) {
        for (TwilioAction action : actions) {
            try {
                perform(tenantId, action);
            } catch (CallGoneException | TwilioUnavailableException e) {
                boolean gone = e instanceof CallGoneException;
                LOG.warnf("Twilio refused %s for call %s of tenant %s: %s", action.getClass().getSimpleName(),
                        action.callSid(), tenantId, e.getMessage());
                if (action instanceof TwilioAction.ConnectToAgent connect) {
                    giveBack(tenantId, connect, gone);
                }
                return Optional.of(gone ? "The caller has already hung up."
                        : "Twilio did not take the request; nothing changed. Try again in a moment.");
            }
        }
        return Optional.empty();
    }

    private void giveBack(String tenantId, TwilioAction.ConnectToAgent connect, boolean gone) {
        try {
            desk.handle(tenantId, null,
                    new Input.ConnectFailed(connect.callSid(), connect.agentId(), gone, clock.instant()), null);
        } catch (SQLException e) {
            // Not lost: the claim's stored deadline gives the call back to everyone.
            LOG.warnf("Claim of call %s not given back yet (its deadline will): %s", connect.callSid(),
                    e.getMessage());
        }
    }

    private void perform(String tenantId, TwilioAction action) {
        if (action instanceof TwilioAction.ConnectToAgent connect) {
            twilio.connectToAgent(tenantId, connect.callSid(), connect.agentId());
        } else if (action instanceof TwilioAction.ReturnToQueue back) {
            twilio.returnToQueue(tenantId, back.callSid());
        } else if (action instanceof TwilioAction.EndCall end) {
            twilio.endCall(end.callSid());
        }
    }
}
