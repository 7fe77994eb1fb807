package io.switchboard.stack.twilio;

import java.time.Instant;
import java.util.List;

/**
 * The simulator's view of one call: a caller's call, an agent leg, or a call placed over REST.
 *
 * @param direction      {@code inbound} (a caller), {@code outbound-dial} (an agent leg of a {@code <Dial>}) or
 *                       {@code outbound-api} (a call placed over REST: {@code Calls.json}, or a conference participant
 *                       added with {@code Participants.json}; Twilio gives these no parent call)
 * @param status         Twilio's call status: {@code queued ringing in-progress completed busy failed no-answer
 *                       canceled…}
 * @param activity       what the call is doing: {@code queued}, {@code ringing}, {@code enqueued:acme},
 *                       {@code dialing:client:doug}, {@code bridged:client:doug}, {@code conference:room} (in
 *                       conference {@code room}, waiting for it to start or talking), {@code conference-hold:room} (put
 *                       on hold in it), {@code dial-ended}, {@code recording} (in a {@code <Record>}), {@code fetching} (waiting for TwiML), {@code ended}
 * @param agentLegSid    the latest {@code <Dial>} leg of a caller's call, else null
 * @param agentLegStatus that leg's status, else null
 * @param legSids        every leg dialled for this call, oldest first
 * @param webhooks       every webhook attempt about this call, in sending order; for a caller's call also those of its
 *                       conversation: its legs', the conferences its TwiML opened, and the calls Twilio placed to add
 *                       participants to them
 * @param bridgedTo      the device ({@code client:doug}) the call talked with last: the last leg bridged to the caller,
 *                       or, in a conference, the participant that joined last of those it hears and is heard by;
 *                       null again once the call went back on hold since (a queue, a conference's hold or wait music).
 *                       Who the caller talked with at the end
 * @param conference     the FriendlyName of the conference the call is connected to now, else null
 * @param onHold         whether the call is on hold in that conference
 * @param talkingWith    the devices the call hears and is heard by in that conference now (both connected, the
 *                       conference started, neither on hold nor muted), oldest participant first
 * @param participants   the call sids of every participant of the conference the call is in, or was in last
 *                       (itself included, also those that left or never answered), in the order they were added;
 *                       empty for a call that never was in one
 * @param talks          every stretch of time the call heard and was heard by someone (in a conference, or over a
 *                       {@code <Dial>} leg), in the order they began; for a caller's call and for the calls of the
 *                       agents it talked with alike. Who it talked with, when
 * @param agentCalls     the calls Twilio placed or dialled for this call, oldest first: its {@code <Dial>} legs, and
 *                       the calls Twilio placed over REST ({@code Participants.json}) into every conference this call
 *                       joined by its {@code <Dial><Conference>}; empty for a leg or a call Twilio placed into a
 *                       conference
 * @param company        who the call is with in its conference now (started, the call connected; on hold or muted
 *                       or not), oldest participant first; once it left, who was with it when it last was (the one
 *                       whose leaving ended the conference included), until it waits again (a queue, or a conference
 *                       nobody else joined yet). Whom a caller was with when they hung up
 */
public record CallView(String sid, String parentCallSid, String from, String to, String direction, String status,
        String activity, String agentLegSid, String agentLegStatus, List<String> legSids, Instant startedAt,
        Instant answeredAt, Instant endedAt, List<WebhookAttempt> webhooks, String bridgedTo, String conference,
        boolean onHold, List<String> talkingWith, List<String> participants, List<Talk> talks,
        List<String> agentCalls, List<String> company) {

    public boolean ended() {
        return endedAt != null;
    }

    /** Whether the call talked with two devices at the same time: two of its talks with different devices overlap. */
    public boolean talkedWithTwoAtOnce() {
        for (int i = 0; i < talks.size(); i++) {
            for (int j = i + 1; j < talks.size(); j++) {
                Talk a = talks.get(i);
                Talk b = talks.get(j);
                if (!a.device().equals(b.device()) && a.overlaps(b)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Attempts of one kind ({@code status}, {@code incoming}…) about one call sid, in order. */
    public List<WebhookAttempt> webhooks(String kind, String callSid) {
        return webhooks.stream().filter(w -> w.kind().equals(kind) && w.callSid().equals(callSid)).toList();
    }
}
