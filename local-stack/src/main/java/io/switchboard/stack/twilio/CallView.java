package io.switchboard.stack.twilio;

import java.time.Instant;
import java.util.List;

/**
 * The simulator's view of one call: the caller's call or an agent leg.
 *
 * @param direction      {@code inbound} (a caller) or {@code outbound-dial} (an agent leg)
 * @param status         Twilio's call status: {@code ringing in-progress completed busy failed no-answer canceled…}
 * @param activity       what the call is doing: {@code ringing}, {@code enqueued:acme}, {@code dialing:client:doug},
 *                       {@code bridged:client:doug}, {@code fetching} (waiting for TwiML), {@code ended}
 * @param agentLegSid    the latest {@code <Dial>} leg of a caller's call, else null
 * @param agentLegStatus that leg's status, else null
 * @param legSids        every leg dialled for this call, oldest first
 * @param webhooks       every webhook attempt about this call (for a caller: its legs' too), in sending order
 * @param bridgedTo      for a caller: the device ({@code client:doug}) of the last leg that was bridged to the caller,
 *                       unless the caller went back on hold (a queue) since; who the caller talked with at the end
 */
public record CallView(String sid, String parentCallSid, String from, String to, String direction, String status,
        String activity, String agentLegSid, String agentLegStatus, List<String> legSids, Instant startedAt,
        Instant answeredAt, Instant endedAt, List<WebhookAttempt> webhooks, String bridgedTo) {

    public boolean ended() {
        return endedAt != null;
    }

    /** Attempts of one kind ({@code status}, {@code incoming}…) about one call sid, in order. */
    public List<WebhookAttempt> webhooks(String kind, String callSid) {
        return webhooks.stream().filter(w -> w.kind().equals(kind) && w.callSid().equals(callSid)).toList();
    }
}
