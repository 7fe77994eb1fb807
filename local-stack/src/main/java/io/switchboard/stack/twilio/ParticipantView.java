package io.switchboard.stack.twilio;

import java.time.Instant;

/**
 * One participant of a conference.
 *
 * @param callSid the participant's call
 * @param label   the label it was given ({@code participantLabel}, or {@code Label} over REST), or null
 * @param device  who is on that call: the {@code To} of a call Twilio placed ({@code client:doug}, a number), the
 *                {@code From} of a caller's call
 * @param status  Twilio's participant status: {@code queued}, {@code connecting}, {@code ringing} (a participant
 *                added over REST whose call is being placed), {@code connected}, then {@code complete} once it left,
 *                or {@code failed} when its call was never answered
 */
public record ParticipantView(String callSid, String conferenceSid, String label, String device, String status,
        boolean hold, boolean muted, boolean startConferenceOnEnter, boolean endConferenceOnExit, boolean coaching,
        Instant createdAt, Instant updatedAt) {

    /** Whether Twilio's Participants resource still shows it (it shows participants connecting or connected). */
    public boolean active() {
        return !"complete".equals(status) && !"failed".equals(status);
    }
}
