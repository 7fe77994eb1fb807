package io.switchboard.state.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.state.CallDesk;
import io.switchboard.state.TwilioActionRunner;
import io.switchboard.state.core.Input;
import io.switchboard.state.persistence.UnknownTenantException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Applies Twilio's webhooks, as call-ingest published them, to the call they are about. */
@ApplicationScoped
public class TwilioEventsListener {
    private static final Logger LOG = Logger.getLogger(TwilioEventsListener.class);

    private final CallDesk desk;
    private final TwilioActionRunner actions;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public TwilioEventsListener(CallDesk desk, TwilioActionRunner actions, ObjectMapper json, MeterRegistry metrics) {
        this.desk = desk;
        this.actions = actions;
        this.json = json;
        this.metrics = metrics;
    }

    @Incoming(Channels.TWILIO_EVENTS)
    @Blocking // ordered: one tenant's records are applied one after the other
    public void onEvent(String record) throws Exception {
        TwilioEvent event;
        try {
            event = json.readValue(record, TwilioEvent.class);
        } catch (JsonProcessingException e) {
            // Thrown on: the record goes to the dead-letter topic, kept for a person to look at.
            metrics.counter("switchboard.state.records.rejected", "channel", Channels.TWILIO_EVENTS).increment();
            throw new IllegalArgumentException("Unreadable Twilio event, sent to the dead-letter topic: "
                    + e.getOriginalMessage(), e);
        }
        Input input = toInput(event);
        Retry.untilStored(event.eventId(), () -> {
            try {
                var outcome = desk.handle(event.tenantId(), event.eventId(), input, null);
                if (!outcome.duplicate()) {
                    actions.run(event.tenantId(), outcome.decision().actions());
                }
            } catch (UnknownTenantException e) {
                metrics.counter("switchboard.state.records.rejected", "channel", Channels.TWILIO_EVENTS).increment();
                LOG.errorf("Twilio event %s skipped: %s", event.eventId(), e.getMessage());
            }
        });
        metrics.counter("switchboard.state.twilio.events", "type", event.getClass().getSimpleName()).increment();
    }

    static Input toInput(TwilioEvent event) {
        if (event instanceof TwilioEvent.CallIncoming incoming) {
            return new Input.RingIncoming(incoming.callSid(), incoming.from(), incoming.to(), incoming.receivedAt());
        } else if (event instanceof TwilioEvent.CallStatusChanged status) {
            var at = status.occurredAt() != null ? status.occurredAt() : status.receivedAt();
            return status.isAgentLeg()
                    ? new Input.AgentLegStatus(status.callSid(), status.legSid(), status.agentId(), status.status(), at)
                    : new Input.CallerLegStatus(status.callSid(), status.from(), status.to(), status.status(), at);
        } else if (event instanceof TwilioEvent.DialEnded dial) {
            return new Input.DialEnded(dial.callSid(), dial.dialCallStatus(), dial.receivedAt());
        }
        throw new IllegalArgumentException("No input for " + event);
    }
}
