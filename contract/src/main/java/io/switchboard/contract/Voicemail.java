package io.switchboard.contract;

import java.time.Instant;

/**
 * A caller's recorded message as every screen of the tenant sees it, from the moment Twilio stored the recording until
 * an agent marks it done.
 *
 * @param voicemailId Twilio's RecordingSid ({@code RE…}); its audio is {@code GET /api/voicemails/{voicemailId}/audio}
 *     on the gateway
 * @param callSid the call the message was left on
 * @param from the caller's number
 * @param to the tenant's number they called
 * @param recordedAt when Twilio stored the recording
 * @param state {@code open} (nobody took it), {@code taken} ({@code takenBy} handles it) or {@code done} (removed
 *     from screens)
 */
public record Voicemail(String voicemailId, String callSid, String from, String to, Instant recordedAt,
        int durationSeconds, String state, String takenBy, Instant takenAt) {
    public static final String OPEN = "open";
    public static final String TAKEN = "taken";
    public static final String DONE = "done";
}
