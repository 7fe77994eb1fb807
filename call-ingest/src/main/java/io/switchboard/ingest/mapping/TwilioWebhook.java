package io.switchboard.ingest.mapping;

import io.switchboard.contract.VoiceWebhooks;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The parts of a Twilio voice webhook call-ingest uses, as Twilio spells them. Every field may be null: what is
 * required depends on the endpoint, and {@link TwilioEvents} says so with a 400.
 *
 * @param tenant the {@code tenant} query parameter call-state puts in the URLs it gives Twilio
 * @param parked the {@code parked} query parameter of a {@code <Dial action>}: the caller came from the parking lot
 * @param idempotencyToken Twilio's {@code I-Twilio-Idempotency-Token} header, the same on every retry
 * @param parkedBy the {@code parkedBy} query parameter of the parking lot's {@code waitUrl}, with {@code parkedAt}
 */
public record TwilioWebhook(String callSid, String parentCallSid, String from, String to, String callStatus,
        String direction, String sequenceNumber, String timestamp, String dialCallSid, String dialCallStatus,
        String tenant, boolean parked, String idempotencyToken, String claim, String parkedBy, String parkedAt) {

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

    /**
     * @param form the form's fields, the first value of each (what Twilio signs)
     * @param query a query parameter of the URL by name, decoded, or null
     * @param idempotencyToken the {@code I-Twilio-Idempotency-Token} header, or null
     */
    public static TwilioWebhook of(Map<String, String> form, UnaryOperator<String> query, String idempotencyToken) {
        return new TwilioWebhook(form.get(CALL_SID), form.get(PARENT_CALL_SID), form.get(FROM), form.get(TO),
                form.get(CALL_STATUS), form.get(DIRECTION), form.get(SEQUENCE_NUMBER), form.get(TIMESTAMP),
                form.get(DIAL_CALL_SID), form.get(DIAL_CALL_STATUS), query.apply(TENANT),
                Boolean.parseBoolean(query.apply(VoiceWebhooks.PARKED)), idempotencyToken,
                query.apply(VoiceWebhooks.CLAIM), query.apply(VoiceWebhooks.PARKED_BY),
                query.apply(VoiceWebhooks.PARKED_AT));
    }
}
