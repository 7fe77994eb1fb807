package io.switchboard.ingest.mapping;

import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.ClientIdentity.TenantAgent;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent.CallIncoming;
import io.switchboard.contract.TwilioEvent.CallerParked;
import io.switchboard.contract.TwilioEvent.CallStatusChanged;
import io.switchboard.contract.TwilioEvent.ConferenceChanged;
import io.switchboard.contract.TwilioEvent.DialEnded;
import io.switchboard.contract.TwilioEvent.ForwardEnded;
import io.switchboard.contract.TwilioEvent.RecordingStored;
import io.switchboard.contract.VoiceWebhooks;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Webhook → contract event, as docs/protocol.md defines it. Pure functions: the tenant is resolved and the
 * arrival time taken by the caller.
 *
 * <p>Event ids depend only on what Twilio sends, so every delivery of one webhook (Twilio's retries and duplicates, or
 * the journal's forwarder sending again what Kafka took late) carries the same id and call-state applies it once.
 */
public final class TwilioEvents {
    private static final String CLIENT_PREFIX = "client:";
    private static final String KNOWN_STATUSES = Arrays.stream(TwilioCallStatus.values())
            .map(TwilioCallStatus::wire).collect(Collectors.joining(", "));

    private TwilioEvents() {
    }

    public static CallIncoming incoming(TwilioWebhook webhook, String tenantId, Instant receivedAt) {
        return incoming(webhook, tenantId, receivedAt, null);
    }

    /**
     * @param afterHours null in business hours; outside them what the caller got instead of the queue
     *     ({@link CallIncoming#VOICEMAIL} or {@link CallIncoming#MESSAGE})
     */
    public static CallIncoming incoming(TwilioWebhook webhook, String tenantId, Instant receivedAt,
            String afterHours) {
        String callSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        return new CallIncoming("incoming:" + callSid, tenantId, callSid, webhook.from(), webhook.to(), receivedAt,
                afterHours);
    }

    /**
     * Twilio's recording status callback for a voicemail. The tenant and the caller's numbers come from the callback
     * URL call-ingest wrote into the {@code <Record>} ({@code ?tenant=&call=&from=&to=}); one without them is not a URL
     * of call-ingest's, and refused, since the voicemail could not be told to anyone.
     */
    public static RecordingStored recording(TwilioWebhook webhook, Instant receivedAt) {
        TwilioWebhook.Recording recording = webhook.recording();
        String callSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        String recordingSid = require(recording.recordingSid(), TwilioWebhook.RECORDING_SID);
        String status = require(recording.status(), TwilioWebhook.RECORDING_STATUS);
        String url = isBlank(recording.recordingUrl()) ? null : recording.recordingUrl();
        if (url == null && "completed".equals(status)) {
            require(null, TwilioWebhook.RECORDING_URL);
        }
        String tenantId = fromCallbackUrl(isBlank(webhook.tenant()) ? null : webhook.tenant(), TwilioWebhook.TENANT);
        // Present, though perhaps empty: Twilio's request for the voicemail's TwiML may have named no caller.
        String from = fromCallbackUrl(recording.from(), TwilioWebhook.CALLER_FROM);
        String to = fromCallbackUrl(recording.to(), TwilioWebhook.CALLER_TO);
        return new RecordingStored("recording:" + recordingSid, tenantId, callSid, recordingSid, url, status,
                durationSeconds(recording.duration()), from, to, receivedAt);
    }

    /**
     * The {@code <Dial>} that forwarded a caller to the tenant's overflow number is over. One per call: a forward is
     * dialled once, and Twilio asks its action URL once.
     */
    public static ForwardEnded forwardEnded(TwilioWebhook webhook, String tenantId, Instant receivedAt) {
        String callSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        TwilioCallStatus dialStatus = callStatus(webhook.dialCallStatus(), TwilioWebhook.DIAL_CALL_STATUS);
        return new ForwardEnded("forward-ended:" + callSid, tenantId, callSid,
                isBlank(webhook.dialCallSid()) ? null : webhook.dialCallSid(), dialStatus, receivedAt);
    }

    private static String fromCallbackUrl(String value, String name) {
        if (value == null) {
            throw new MalformedWebhookException("The recording callback's URL has no " + name + "= parameter:"
                    + " call-ingest writes tenant, call, from and to into every voicemail's recordingStatusCallback.");
        }
        return value;
    }

    /** Twilio's {@code RecordingDuration}, whole seconds; absent (a recording that failed) is null. */
    static Integer durationSeconds(String value) {
        if (isBlank(value)) {
            return null;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new MalformedWebhookException(TwilioWebhook.RECORDING_DURATION + " must be whole seconds, got '" + value
                + "'.");
    }

    /**
     * A status callback of the caller's call or of a leg Twilio placed. For a leg Twilio's {@code CallSid} is the
     * leg, and the call, which is what every event's {@code callSid} names, is its {@code ParentCallSid} (a
     * {@code <Dial>} leg) or the {@code call} query parameter call-state put in its callback URL (a conference leg: an
     * agent's, or the number of a call an agent placed).
     */
    public static CallStatusChanged status(TwilioWebhook webhook, String tenantId, Instant receivedAt) {
        String legSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        String callSid = !isBlank(webhook.parentCallSid()) ? webhook.parentCallSid()
                : !isBlank(webhook.call()) ? webhook.call() : legSid;
        TwilioCallStatus status = callStatus(webhook.callStatus(), TwilioWebhook.CALL_STATUS);
        Integer sequenceNumber = sequenceNumber(webhook.sequenceNumber());
        return new CallStatusChanged("status:" + legSid + ":" + deliveryKey(sequenceNumber, webhook, status.wire()),
                tenantId, callSid, legSid, status, sequenceNumber, occurredAt(webhook.timestamp()), webhook.direction(),
                webhook.from(), webhook.to(), agentId(webhook.to(), tenantId), receivedAt, claim(webhook.claim()));
    }

    /**
     * The claim that dialled an agent leg, or opened a conference ({@code ?claim=} in the callback URL call-state gave
     * Twilio), or null.
     */
    static Long claim(String value) {
        return isBlank(value) ? null : epochMillis(value, VoiceWebhooks.CLAIM, "the claim's time there in the"
                + " callback URL");
    }

    /**
     * Twilio fetched the wait music of the parking lot for a caller an agent parked ({@code ?tenant=&parkedBy=&parkedAt=}
     * in the {@code waitUrl} call-state gave Twilio); empty for the wait music of the ringing queue, which has none.
     */
    public static Optional<CallerParked> parked(TwilioWebhook webhook, Instant receivedAt) {
        if (isBlank(webhook.parkedBy())) {
            return Optional.empty();
        }
        String callSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        if (isBlank(webhook.tenant())) {
            throw new MalformedWebhookException("The parking lot's waitUrl names no tenant: call-state puts "
                    + TwilioWebhook.TENANT + "= beside " + VoiceWebhooks.PARKED_BY + "= in it.");
        }
        long parkedAt = epochMillis(webhook.parkedAt(), VoiceWebhooks.PARKED_AT,
                "the park's time there, beside " + VoiceWebhooks.PARKED_BY + ", in the parking lot's waitUrl");
        return Optional.of(new CallerParked("parked:" + callSid + ":" + parkedAt, webhook.tenant(), callSid,
                webhook.parkedBy(), Instant.ofEpochMilli(parkedAt), receivedAt));
    }

    private static long epochMillis(String value, String name, String where) {
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new MalformedWebhookException(name + " must be a whole number, got '" + value + "'. call-state puts "
                    + where + ".");
        }
    }

    /** The {@code <Dial>} to an agent is over; {@code CallSid} is the caller's call, {@code DialCallSid} the agent leg. */
    public static DialEnded dialEnded(TwilioWebhook webhook, String tenantId, Instant receivedAt) {
        String callSid = require(webhook.callSid(), TwilioWebhook.CALL_SID);
        TwilioCallStatus dialStatus = callStatus(webhook.dialCallStatus(), TwilioWebhook.DIAL_CALL_STATUS);
        String leg = isBlank(webhook.dialCallSid()) ? dialStatus.wire() : webhook.dialCallSid();
        return new DialEnded("dial-ended:" + callSid + ":" + leg, tenantId, callSid,
                isBlank(webhook.dialCallSid()) ? null : webhook.dialCallSid(), dialStatus, receivedAt);
    }

    /**
     * A status callback of the conference that connects a caller with agents. Its {@code FriendlyName} is the caller's
     * call SID ({@link VoiceWebhooks#conference}); one of another name is no conference of call-state's, and refused.
     */
    public static ConferenceChanged conference(TwilioWebhook webhook, String tenantId, Instant receivedAt) {
        TwilioWebhook.Conference conference = webhook.conference();
        String conferenceSid = require(conference.conferenceSid(), TwilioWebhook.CONFERENCE_SID);
        String callSid = require(conference.friendlyName(), TwilioWebhook.FRIENDLY_NAME);
        String event = require(conference.event(), TwilioWebhook.STATUS_CALLBACK_EVENT);
        if (!callSid.startsWith("CA") && !OutboundCall.is(callSid)) {
            throw new MalformedWebhookException(TwilioWebhook.FRIENDLY_NAME + " '" + callSid + "' names no call:"
                    + " call-state names each conference after the caller's call SID (CA…), or its own id of a call"
                    + " an agent placed (OB…).");
        }
        Integer sequenceNumber = sequenceNumber(webhook.sequenceNumber());
        String participantSid = isBlank(webhook.callSid()) ? null : webhook.callSid();
        return new ConferenceChanged("conference:" + conferenceSid + ":"
                + deliveryKey(sequenceNumber, webhook, event + ":" + participantSid), tenantId, callSid,
                conferenceSid, event, participantSid, isBlank(conference.label()) ? null : conference.label(),
                isBlank(conference.hold()) ? null : Boolean.valueOf(conference.hold().trim()), sequenceNumber,
                claim(webhook.claim()), receivedAt);
    }

    /**
     * Refuses (400) a webhook without {@code CallSid} before anything else is looked at: such a request is no Twilio
     * webhook (a JSON body sent as a form, say), and must not read as a call to an unknown number.
     */
    public static void requireCallSid(TwilioWebhook webhook) {
        require(webhook.callSid(), TwilioWebhook.CALL_SID);
    }

    /**
     * The agent a leg rings: {@code client:acme__doug} → {@code doug} for tenant {@code acme}; a number → null.
     * A client identity of another tenant, or one that names no tenant, is refused: the webhook's tenant (from the
     * URL call-state gave Twilio) and the leg's must agree, or one tenant's callback could move another's agent.
     */
    static String agentId(String to, String tenantId) {
        if (to == null || !to.startsWith(CLIENT_PREFIX)) {
            return null;
        }
        String identity = to.substring(CLIENT_PREFIX.length());
        TenantAgent named = ClientIdentity.parse(identity).orElseThrow(() -> new ForeignAgentLegException("The leg"
                + " rings client '" + identity + "', which names no tenant: call-state dials {tenant}__{agent}"
                + " (docs/protocol.md)."));
        if (!named.tenantId().equals(tenantId)) {
            throw new ForeignAgentLegException("The leg rings client '" + identity + "' of tenant '"
                    + named.tenantId() + "', but the callback is for tenant '" + tenantId + "'.");
        }
        return named.agentId();
    }

    /** Twilio's {@code Timestamp} is RFC 2822 ({@code Mon, 16 Aug 2010 03:45:01 +0000}); it is informative only. */
    static Instant occurredAt(String timestamp) {
        if (isBlank(timestamp)) {
            return null;
        }
        try {
            return DateTimeFormatter.RFC_1123_DATE_TIME.parse(timestamp.trim(), Instant::from);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * What tells one callback from another of the same call or conference, the same on each of its deliveries: Twilio's
     * {@code SequenceNumber}, else its idempotency token, else {@code otherwise}.
     */
    private static String deliveryKey(Integer sequenceNumber, TwilioWebhook webhook, String otherwise) {
        return sequenceNumber != null ? sequenceNumber.toString()
                : !isBlank(webhook.idempotencyToken()) ? webhook.idempotencyToken()
                : otherwise;
    }

    /** Unlike the timestamp, the sequence number becomes part of the event id, so a garbled one is refused. */
    static Integer sequenceNumber(String value) {
        if (isBlank(value)) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedWebhookException(TwilioWebhook.SEQUENCE_NUMBER + " must be an integer, got '" + value
                    + "'. Twilio sends 0, 1, 2… for the callbacks of one call.");
        }
    }

    private static TwilioCallStatus callStatus(String value, String name) {
        return TwilioCallStatus.fromWire(require(value, name))
                .orElseThrow(() -> new MalformedWebhookException(name + " '" + value + "' is not a Twilio call status;"
                        + " expected one of " + KNOWN_STATUSES + "."));
    }

    private static String require(String value, String name) {
        if (isBlank(value)) {
            throw new MalformedWebhookException("The form parameter " + name + " is missing. Twilio always sends it;"
                    + " check that this request comes from Twilio's voice webhooks.");
        }
        return value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
