package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A Twilio webhook after call-ingest checked its signature and mapped it to a tenant. Published to
 * {@link Topics#TWILIO_EVENTS} keyed by {@link #tenantId()}.
 *
 * <p>{@link #eventId()} is the same for every delivery of the same webhook (Twilio retries, duplicate
 * callbacks), so call-state applies each one once.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TwilioEvent.CallIncoming.class, name = "incoming"),
        @JsonSubTypes.Type(value = TwilioEvent.CallStatusChanged.class, name = "status"),
        @JsonSubTypes.Type(value = TwilioEvent.DialEnded.class, name = "dial_ended"),
        @JsonSubTypes.Type(value = TwilioEvent.CallerParked.class, name = "parked"),
        @JsonSubTypes.Type(value = TwilioEvent.ConferenceChanged.class, name = "conference"),
        @JsonSubTypes.Type(value = TwilioEvent.RecordingStored.class, name = "recording"),
        @JsonSubTypes.Type(value = TwilioEvent.ForwardEnded.class, name = "forward_ended")
})
public sealed interface TwilioEvent {

    String eventId();

    String tenantId();

    /** The caller's call: the parent call for events about an agent leg. */
    String callSid();

    Instant receivedAt();

    /**
     * A caller dialled one of the tenant's numbers; Twilio put them on hold in the tenant's queue.
     *
     * @param afterHours null in business hours; outside them what call-ingest answered instead of the queue:
     *     {@code voicemail} (the greeting and a recording) or {@code message} (the tenant's message, then a hang-up)
     */
    record CallIncoming(String eventId, String tenantId, String callSid, String from, String to, Instant receivedAt,
            String afterHours) implements TwilioEvent {
        public static final String VOICEMAIL = "voicemail";
        public static final String MESSAGE = "message";

        /** A call in business hours. */
        public CallIncoming(String eventId, String tenantId, String callSid, String from, String to,
                Instant receivedAt) {
            this(eventId, tenantId, callSid, from, to, receivedAt, null);
        }
    }

    /**
     * A status callback. For the caller's own call {@code legSid} equals {@code callSid}; for an agent leg
     * {@code callSid} is the parent (the caller's call) and {@code legSid} the agent leg's sid.
     *
     * @param sequenceNumber Twilio's {@code SequenceNumber}: orders callbacks of one leg; null when absent
     * @param occurredAt Twilio's {@code Timestamp}, when Twilio saw the change; null when absent
     * @param agentId the agent whose client the leg rings ({@code client:doug} → {@code doug}); null for the caller's leg
     *     and for the number of a call an agent placed
     */
    record CallStatusChanged(String eventId, String tenantId, String callSid, String legSid, TwilioCallStatus status,
            Integer sequenceNumber, Instant occurredAt, String direction, String from, String to, String agentId,
            Instant receivedAt, Long claim) implements TwilioEvent {

        /** Without a claim: the caller's own call, or a leg dialled before legs carried their claim. */
        public CallStatusChanged(String eventId, String tenantId, String callSid, String legSid,
                TwilioCallStatus status, Integer sequenceNumber, Instant occurredAt, String direction, String from,
                String to, String agentId, Instant receivedAt) {
            this(eventId, tenantId, callSid, legSid, status, sequenceNumber, occurredAt, direction, from, to, agentId,
                    receivedAt, null);
        }

        /** A leg Twilio placed to ring an agent. Derived, so not on the wire (protocol.md lists no such field). */
        @JsonIgnore
        public boolean isAgentLeg() {
            return !callSid.equals(legSid) && !isNumberLeg();
        }

        /** The leg that calls the number of a call an agent placed ({@link OutboundCall}). Derived: not on the wire. */
        @JsonIgnore
        public boolean isNumberLeg() {
            return OutboundCall.is(callSid) && agentId == null;
        }
    }

    /**
     * The {@code <Dial>} that connected the caller to an agent is over ({@code DialCallStatus}); Twilio
     * asked call-ingest what the caller hears next.
     */
    record DialEnded(String eventId, String tenantId, String callSid, String dialCallSid, TwilioCallStatus dialCallStatus,
            Instant receivedAt) implements TwilioEvent {
    }

    /**
     * Twilio fetched the parking lot's wait music for the caller: the park by {@code agentId} at {@code parkedAt} went
     * through, and the caller is in the lot.
     */
    record CallerParked(String eventId, String tenantId, String callSid, String agentId, Instant parkedAt,
            Instant receivedAt) implements TwilioEvent {
    }

    /**
     * A status callback of the conference that connects a caller with agents, named after the caller's call SID
     * ({@link VoiceWebhooks#conference}): {@code callSid} is that name.
     *
     * @param conferenceSid Twilio's {@code ConferenceSid} (CF…), which participant requests name
     * @param event Twilio's {@code StatusCallbackEvent}: {@code conference-start}, {@code conference-end},
     *     {@code participant-join}, {@code participant-leave}, {@code participant-hold}, {@code participant-unhold},
     *     {@code participant-mute}, {@code participant-unmute}, …
     * @param participantSid the participant's call SID, for a participant's event; null otherwise
     * @param label the participant's label ({@link VoiceWebhooks#CALLER_LABEL}, or the agent's id); null when unlabelled
     * @param hold whether the participant is on hold, for a participant's event; null otherwise
     * @param sequenceNumber Twilio's {@code SequenceNumber}: orders one conference's callbacks; null when absent
     * @param claim the epoch milliseconds of the claim that opened the conference, as its callback URL names it
     *     ({@link VoiceWebhooks#CLAIM}); null when it names none
     */
    record ConferenceChanged(String eventId, String tenantId, String callSid, String conferenceSid, String event,
            String participantSid, String label, Boolean hold, Integer sequenceNumber, Long claim, Instant receivedAt)
            implements TwilioEvent {

        /** Twilio's {@code participant-join} of the caller. */
        public boolean callerJoined() {
            return "participant-join".equals(event) && VoiceWebhooks.CALLER_LABEL.equals(label);
        }
    }

    /**
     * Twilio's recording status callback for a voicemail ({@code <Record recordingStatusCallback>}).
     *
     * @param recordingSid Twilio's {@code RecordingSid}: the voicemail's id
     * @param recordingUrl Twilio's {@code RecordingUrl} (without an extension: Twilio serves WAV there)
     * @param status Twilio's {@code RecordingStatus}: {@code completed}, {@code absent} (no audio: nothing to keep) or
     *     {@code failed}
     * @param durationSeconds Twilio's {@code RecordingDuration}; null when absent
     * @param from the caller's number and {@code to} the number they called, as the callback URL names them (call-ingest
     *     wrote them there from the request that asked for the voicemail's TwiML)
     */
    record RecordingStored(String eventId, String tenantId, String callSid, String recordingSid, String recordingUrl,
            String status, Integer durationSeconds, String from, String to, Instant receivedAt) implements TwilioEvent {
        public boolean completed() {
            return "completed".equals(status);
        }
    }

    /**
     * The {@code <Dial>} that forwarded the caller to the tenant's overflow number is over: {@code dialCallStatus} is
     * Twilio's {@code DialCallStatus} ({@code completed}: the number answered and the two talked).
     */
    record ForwardEnded(String eventId, String tenantId, String callSid, String dialCallSid,
            TwilioCallStatus dialCallStatus, Instant receivedAt) implements TwilioEvent {
    }
}
