package io.switchboard.state.core;

import io.switchboard.contract.Voicemail;
import java.time.Instant;

/**
 * A caller's message as call-state keeps it ({@code voicemails}): open until an agent takes it, then theirs until they
 * mark it done.
 *
 * @param id Twilio's RecordingSid
 * @param recordingUrl Twilio's RecordingUrl, which the gateway streams with the account's credentials
 */
public record VoicemailRecord(String id, String tenantId, String callSid, String from, String to, Instant recordedAt,
        int durationSeconds, String recordingUrl, String takenBy, Instant takenAt, Instant doneAt) {

    VoicemailRecord takenBy(String agent, Instant at) {
        return new VoicemailRecord(id, tenantId, callSid, from, to, recordedAt, durationSeconds, recordingUrl, agent,
                at, null);
    }

    VoicemailRecord done(Instant at) {
        return new VoicemailRecord(id, tenantId, callSid, from, to, recordedAt, durationSeconds, recordingUrl, takenBy,
                takenAt, at);
    }

    boolean isDone() {
        return doneAt != null;
    }

    /** {@code open}, {@code taken} or {@code done}, as screens show it. */
    String state() {
        return doneAt != null ? Voicemail.DONE : takenBy != null ? Voicemail.TAKEN : Voicemail.OPEN;
    }
}
