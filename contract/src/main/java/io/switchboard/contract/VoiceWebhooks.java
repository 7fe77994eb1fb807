package io.switchboard.contract;

/**
 * Where call-ingest serves Twilio's voice webhooks. call-ingest serves these paths; call-state and the local stack
 * hand URLs made of them to Twilio. One spelling for both sides: a mismatch would only show as Twilio's 404s.
 */
public final class VoiceWebhooks {
    public static final String ROOT = "/twilio/voice";
    /** A caller dialled a tenant's number (the number's Voice URL). */
    public static final String INCOMING = "/incoming";
    /** Status callbacks: the caller's call and agent legs. */
    public static final String STATUS = "/status";
    /** The {@code <Dial>} to an agent is over ({@code action}): what does the caller hear next? */
    public static final String DIAL_ENDED = "/dial-ended";
    /** The queue's wait music ({@code waitUrl}). */
    public static final String HOLD = "/hold";

    /**
     * Query parameter of the {@code <Dial action>} URL: {@code parked=true} when the caller was retrieved from the
     * parking lot, so an unanswered retrieve puts them back on hold there rather than in the ringing queue.
     */
    public static final String PARKED = "parked";

    /**
     * Query parameter of an agent leg's {@code statusCallback} URL: which claim dialled the leg (the claim's time in
     * epoch milliseconds). A claim given back at its deadline leaves its leg's callbacks on their way; when they
     * arrive after the same agent claimed the call again, this tells them apart from the new leg's.
     */
    public static final String CLAIM = "claim";

    /**
     * Query parameters of the parking lot's {@code waitUrl}: the agent who parked the caller and the park's time (epoch
     * milliseconds). Twilio fetches the wait music once the caller is in the lot, so that fetch tells call-state the
     * park went through — even when Twilio's answer to the park itself was lost.
     */
    public static final String PARKED_BY = "parkedBy";
    public static final String PARKED_AT = "parkedAt";

    /**
     * Custom parameter of the {@code <Dial><Client>} leg: the caller's call SID, which the Voice SDK shows the agent's
     * browser as {@code call.customParameters}, so the softphone answers only the call this agent claimed.
     */
    public static final String CALL_SID_PARAMETER = "switchboardCallSid";

    private VoiceWebhooks() {
    }

    /**
     * The Twilio queue a tenant's callers wait in: named after the tenant while ringing, and after its parking lot
     * while parked. Twilio only holds them there; which call rings or sits in which slot is call-state's.
     */
    public static String queue(String tenantId, boolean parked) {
        return parked ? tenantId + "-parking" : tenantId;
    }

    /** The full path of one endpoint, e.g. {@code path(STATUS)} is {@code /twilio/voice/status}. */
    public static String path(String endpoint) {
        return ROOT + endpoint;
    }
}
