package io.switchboard.contract;

/**
 * Where call-ingest serves Twilio's voice webhooks. call-ingest serves these paths; call-state, call-ingest's own TwiML
 * and the local stack hand URLs made of them to Twilio ({@link #url}), each with the connection overrides that fit it.
 * One spelling for every side: a mismatch would only show as Twilio's 404s, or as webhooks Twilio gave up on.
 */
public final class VoiceWebhooks {
    public static final String ROOT = "/twilio/voice";
    /** A caller dialled a tenant's number (the number's Voice URL). */
    public static final String INCOMING = "/incoming";
    /** Status callbacks: the caller's call and agent legs. */
    public static final String STATUS = "/status";
    /** The {@code <Dial>} to an agent is over ({@code action}): what does the caller hear next? */
    public static final String DIAL_ENDED = "/dial-ended";
    /** The queue's wait music ({@code waitUrl}), and a conference's, and its hold music ({@code holdUrl}). */
    public static final String HOLD = "/hold";
    /** Status callbacks of the conference that connects a caller with agents. */
    public static final String CONFERENCE = "/conference";
    /**
     * The voicemail's TwiML: the tenant's greeting and a {@code <Record>}. call-state sends a caller nobody answered
     * within the wait limit here ({@code Url} of a call update); call-ingest answers a call outside business hours
     * with the same document.
     */
    public static final String VOICEMAIL = "/voicemail";
    /** The {@code <Record action>}: the message is recorded, the caller hears goodbye. */
    public static final String VOICEMAIL_DONE = "/voicemail-done";
    /** Twilio's {@code recordingStatusCallback} for a voicemail: the recording is stored (or absent). */
    public static final String RECORDING = "/recording";
    /** The overflow's TwiML: a {@code <Dial>} to the tenant's overflow number, showing the caller's number. */
    public static final String FORWARD = "/forward";
    /** The {@code <Dial action>} of a forward: the overflow number's call is over. */
    public static final String FORWARD_ENDED = "/forward-ended";

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
     * Query parameter of an agent's conference leg's {@code statusCallback} URL: the caller's call SID. Twilio gives a
     * call it places to add a conference participant no {@code ParentCallSid}; this names the call the leg is for.
     */
    public static final String CALL = "call";

    /** The label of the caller among a conference's participants; an agent's is the agent's id. */
    public static final String CALLER_LABEL = "caller";

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

    /**
     * The name of the conference that connects a caller with agents: the caller's call SID, unique in the account, so
     * every conference callback names its call.
     */
    public static String conference(String callSid) {
        return callSid;
    }

    /**
     * Twilio's connection overrides for a URL whose answer a caller waits for (the Voice URL, {@code <Dial action>}, a
     * queue's {@code waitUrl}): retry a refused or timed-out connection, a read timeout and a 5xx, three times, and
     * give up within 10 s, so the caller is not left in silence. A 4xx is an answer (a bad signature, a malformed
     * form): asking again changes nothing. call-ingest answers after a local disk commit, in milliseconds; a long wait
     * means a replica went away mid-request, which the next attempt avoids.
     */
    public static final String TWIML_OVERRIDES = "ct=1000&rt=4000&tt=10000&rc=3&rp=ct,rt,5xx";

    /**
     * Twilio's connection overrides for a status callback, which nobody waits for: as many retries (5) and as much time
     * (15 s) as Twilio allows. Without them Twilio tries a second time only when it could not connect, and a lost final
     * callback would leave a call on every screen until reconciliation finds it.
     */
    public static final String CALLBACK_OVERRIDES = "ct=2000&rt=5000&tt=15000&rc=5&rp=ct,rt,5xx";

    /** The full path of one endpoint, e.g. {@code path(STATUS)} is {@code /twilio/voice/status}. */
    public static String path(String endpoint) {
        return ROOT + endpoint;
    }

    /**
     * The URL to give Twilio for {@code endpoint}: {@code publicBaseUrl}, the path, {@code query} (already encoded;
     * empty for none) and the endpoint's connection overrides as the fragment. Twilio reads the fragment and never
     * sends it, so the URL call-ingest checks the signature against is the same without it.
     */
    public static String url(String publicBaseUrl, String endpoint, String query) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        return base + path(endpoint) + (query.isEmpty() ? "" : "?" + query) + "#" + overrides(endpoint);
    }

    /** The connection overrides that fit {@code endpoint}: {@link #CALLBACK_OVERRIDES} for status callbacks. */
    public static String overrides(String endpoint) {
        return STATUS.equals(endpoint) || CONFERENCE.equals(endpoint) || RECORDING.equals(endpoint)
                ? CALLBACK_OVERRIDES : TWIML_OVERRIDES;
    }
}
