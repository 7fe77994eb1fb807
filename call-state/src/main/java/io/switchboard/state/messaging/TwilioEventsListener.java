package io.switchboard.state.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.state.core.Input;
import io.switchboard.state.persistence.UnknownTenantException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Applies Twilio's webhooks, as call-ingest published them, to the call they are about. */
@ApplicationScoped
public class TwilioEventsListener {
    private static final Logger LOG = Logger.getLogger(TwilioEventsListener.class);

    private final TenantLanes lanes;
    private final RecordReader reader;
    private final MeterRegistry metrics;

    public TwilioEventsListener(TenantLanes lanes, RecordReader reader, MeterRegistry metrics) {
        this.lanes = lanes;
        this.reader = reader;
        this.metrics = metrics;
    }

    @Incoming(Channels.TWILIO_EVENTS)
    public CompletionStage<Void> onEvent(Message<String> record) {
        return lanes.apply(record, TwilioEvent.class, Channels.TWILIO_EVENTS, TwilioEvent::tenantId,
                event -> decides(event)
                        ? new TenantLanes.Decide(event.eventId(), toInput(event), null,
                                (outcome, failure) -> applied(event, failure))
                        : new TenantLanes.Alone(() -> applied(event, null)));
    }

    /**
     * Whether an event asks for a decision. What a conference callback says, the legs' own callbacks and Twilio's
     * answers to the actions say too, each tied to the claim or decision it answers. So the conference's events are
     * read, counted and left (no transaction, no decision), but for the caller's join of a claim's conference: it comes
     * before Twilio's answer to the connect. A recording with nothing in it is no voicemail.
     */
    private static boolean decides(TwilioEvent event) {
        if (event instanceof TwilioEvent.ConferenceChanged conference) {
            return joinOfAClaim(conference);
        } else if (event instanceof TwilioEvent.RecordingStored recording && !voicemailLeft(recording)) {
            LOG.infof("Call %s left no voicemail: Twilio's recording %s is %s", recording.callSid(),
                    recording.recordingSid(), recording.status());
            return false;
        }
        return true;
    }

    private void applied(TwilioEvent event, RuntimeException failure) {
        if (failure instanceof UnknownTenantException) {
            reader.rejected(Channels.TWILIO_EVENTS);
            LOG.errorf("Twilio event %s skipped: %s", event.eventId(), failure.getMessage());
            return;
        } else if (failure != null) {
            throw failure;
        }
        metrics.counter("switchboard.state.twilio.events", "type", event.getClass().getSimpleName()).increment();
    }

    /** A recording with something in it: Twilio reports an empty one as {@code absent}, a failed one as failed. */
    private static boolean voicemailLeft(TwilioEvent.RecordingStored recording) {
        return recording.completed() && recording.durationSeconds() != null && recording.durationSeconds() > 0;
    }

    private static boolean joinOfAClaim(TwilioEvent.ConferenceChanged conference) {
        return conference.callerJoined() && conference.claim() != null;
    }

    static Input toInput(TwilioEvent event) {
        if (event instanceof TwilioEvent.CallIncoming incoming) {
            return new Input.RingIncoming(incoming.callSid(), incoming.from(), incoming.to(), incoming.receivedAt(),
                    incoming.afterHours());
        } else if (event instanceof TwilioEvent.CallStatusChanged status) {
            var at = status.occurredAt() != null ? status.occurredAt() : status.receivedAt();
            if (status.isAgentLeg()) {
                return new Input.AgentLegStatus(status.callSid(), status.legSid(), status.agentId(), status.status(), at,
                        status.claim());
            }
            return status.isNumberLeg()
                    ? new Input.NumberLegStatus(status.callSid(), status.legSid(), status.status(), at)
                    : new Input.CallerLegStatus(status.callSid(), status.from(), status.to(), status.status(), at);
        } else if (event instanceof TwilioEvent.DialEnded dial) {
            return new Input.DialEnded(dial.callSid(), dial.dialCallStatus(), dial.receivedAt());
        } else if (event instanceof TwilioEvent.ConferenceChanged conference && joinOfAClaim(conference)) {
            return new Input.CallerJoined(conference.callSid(), conference.claim(), conference.receivedAt());
        } else if (event instanceof TwilioEvent.CallerParked parked) {
            return new Input.ParkConfirmed(parked.callSid(), parked.agentId(), parked.parkedAt(), parked.receivedAt());
        } else if (event instanceof TwilioEvent.RecordingStored recording && voicemailLeft(recording)) {
            return new Input.VoicemailRecorded(recording.callSid(), recording.recordingSid(), recording.from(),
                    recording.to(), recording.recordingUrl(), recording.durationSeconds(), recording.receivedAt());
        } else if (event instanceof TwilioEvent.ForwardEnded forward) {
            return new Input.ForwardEnded(forward.callSid(), forward.dialCallStatus(), forward.receivedAt());
        }
        throw new IllegalArgumentException("No input for " + event);
    }
}
