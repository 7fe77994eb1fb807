package io.switchboard.stack.twilio;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The simulator's view of one conference, as Twilio keeps it: a conference is created by its first participant and,
 * once {@code completed}, never opens again (a participant naming its FriendlyName later makes a new one, with a new
 * SID).
 *
 * @param status                  Twilio's conference status: {@code init} (created, nobody connected yet),
 *                                {@code in-progress} (someone is connected, started or not), {@code completed}
 * @param started                 whether the conference has started (audio mixed): at least two participants
 *                                connected, one of them with {@code startConferenceOnEnter}; before that its
 *                                participants hear the wait music
 * @param reasonConferenceEnded   Twilio's {@code reason_conference_ended}, or null while it runs
 * @param callSidEndingConference the participant whose leaving ended it, else null
 * @param participants            every participant it has had, connected or not, in the order they were added
 */
public record ConferenceView(String sid, String friendlyName, String status, boolean started, Instant createdAt,
        Instant updatedAt, Instant endedAt, String reasonConferenceEnded, String callSidEndingConference,
        List<ParticipantView> participants) {

    public boolean ended() {
        return endedAt != null;
    }

    /** The participant with this call sid or label, the latest if several had it. */
    public Optional<ParticipantView> participant(String callSidOrLabel) {
        ParticipantView found = null;
        for (ParticipantView p : participants) {
            if (p.callSid().equals(callSidOrLabel) || callSidOrLabel.equals(p.label())) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The participants connected now, in the order they joined. */
    public List<ParticipantView> connected() {
        return participants.stream().filter(p -> "connected".equals(p.status())).toList();
    }
}
