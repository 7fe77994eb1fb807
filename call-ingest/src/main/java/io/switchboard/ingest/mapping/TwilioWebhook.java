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
 * @param call the {@code call} query parameter of an agent's conference leg's status callback: the caller's call
 * @param conference a conference status callback's own fields
 * @param recording a recording status callback's own fields, with the caller's numbers its URL names
 */
public record TwilioWebhook(String callSid, String parentCallSid, String from, String to, String callStatus,
        String direction, String sequenceNumber, String timestamp, String dialCallSid, String dialCallStatus,
        String tenant, boolean parked, String idempotencyToken, String claim, String parkedBy, String parkedAt,
        String call, Conference conference, Recording recording) {

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
    public static final String CONFERENCE_SID = "ConferenceSid";
    public static final String FRIENDLY_NAME = "FriendlyName";
    public static final String STATUS_CALLBACK_EVENT = "StatusCallbackEvent";
    public static final String HOLD = "Hold";
    public static final String PARTICIPANT_LABEL = "ParticipantLabel";
    public static final String RECORDING_SID = "RecordingSid";
    public static final String RECORDING_URL = "RecordingUrl";
    public static final String RECORDING_STATUS = "RecordingStatus";
    public static final String RECORDING_DURATION = "RecordingDuration";
    /**
     * Query parameters of a voicemail's recording status callback URL: the caller's number and the number they called.
     * Twilio's recording callback names neither; call-ingest writes them into the URL from the request that asked for
     * the voicemail's TwiML, where the signature covers them.
     */
    public static final String CALLER_FROM = "from";
    public static final String CALLER_TO = "to";

    /** The fields of a conference status callback, as Twilio spells them; each may be null. */
    public record Conference(String conferenceSid, String friendlyName, String event, String hold, String label) {
    }

    /**
     * The fields of a recording status callback, as Twilio spells them, and {@code from}/{@code to} of its URL; each
     * may be null.
     */
    public record Recording(String recordingSid, String recordingUrl, String status, String duration, String from,
            String to) {
    }

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
                query.apply(VoiceWebhooks.PARKED_AT), query.apply(VoiceWebhooks.CALL),
                new Conference(form.get(CONFERENCE_SID), form.get(FRIENDLY_NAME), form.get(STATUS_CALLBACK_EVENT),
                        form.get(HOLD), form.get(PARTICIPANT_LABEL)),
                new Recording(form.get(RECORDING_SID), form.get(RECORDING_URL), form.get(RECORDING_STATUS),
                        form.get(RECORDING_DURATION), query.apply(CALLER_FROM), query.apply(CALLER_TO)));
    }
}
