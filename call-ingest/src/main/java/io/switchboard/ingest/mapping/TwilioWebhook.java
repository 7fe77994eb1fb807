package io.switchboard.ingest.mapping;

import io.switchboard.contract.VoiceWebhooks;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The parts of a Twilio voice webhook call-ingest uses, as Twilio spells them. Every field may be null: what is
 * required depends on the endpoint, and {@link TwilioEvents} says so with a 400.
 *
 * @param tenant the {@code tenant} query parameter call-state puts in the URLs it gives Twilio
 * @param parked the {@code parked} query parameter of a {@code <Dial action>}: the caller came from the parking lot
 * @param idempotencyToken Twilio's {@code I-Twilio-Idempotency-Token} header, the same on every retry
 */
public record TwilioWebhook(
        @RestForm(CALL_SID) String callSid,
        @RestForm(PARENT_CALL_SID) String parentCallSid,
        @RestForm(FROM) String from,
        @RestForm(TO) String to,
        @RestForm(CALL_STATUS) String callStatus,
        @RestForm(DIRECTION) String direction,
        @RestForm(SEQUENCE_NUMBER) String sequenceNumber,
        @RestForm(TIMESTAMP) String timestamp,
        @RestForm(DIAL_CALL_SID) String dialCallSid,
        @RestForm(DIAL_CALL_STATUS) String dialCallStatus,
        @RestQuery(TENANT) String tenant,
        @RestQuery(VoiceWebhooks.PARKED) boolean parked,
        @RestHeader(IDEMPOTENCY_TOKEN) String idempotencyToken,
        @RestQuery(VoiceWebhooks.CLAIM) String claim) {

    public static final String CALL_SID = "CallSid";
    public static final String PARENT_CALL_SID = "ParentCallSid";
    public static final String FROM = "From";
    public static final String TO = "To";
    public static final String CALL_STATUS = "CallStatus";
    public static final String DIRECTION = "Direction";
    public static final String SEQUENCE_NUMBER = "SequenceNumber";
    public static final String TIMESTAMP = "Timestamp";
    public static final String DIAL_CALL_SID = "DialCallSid";
    public static final String DIAL_CALL_STATUS = "DialCallStatus";
    public static final String TENANT = "tenant";
    public static final String IDEMPOTENCY_TOKEN = "I-Twilio-Idempotency-Token";
}
