package io.switchboard.stack.twilio;

import java.time.Instant;

/**
 * A stretch of time during which a call heard and was heard by {@code device}: in a conference, both connected, the
 * conference started, neither on hold nor muted (what {@link CallView#talkingWith()} says at each moment); over a
 * {@code <Dial><Client>} or {@code <Dial><Number>}, from the leg's answer until the bridge ends.
 *
 * @param device who was on the other end: {@code client:doug}, a number
 * @param from   when it began
 * @param until  when it ended, or null while it lasts; the talk covers {@code [from, until)}
 */
public record Talk(String device, Instant from, Instant until) {

    /**
     * Whether the two talks share an instant, a talk still lasting going on forever. One that ends the instant the
     * other begins shares none (a transfer that hands the caller straight over), and a talk that lasted no time
     * shares none either.
     */
    public boolean overlaps(Talk other) {
        Instant start = from.isAfter(other.from) ? from : other.from;
        if (until == null && other.until == null) {
            return true;
        }
        Instant end = until == null ? other.until : other.until == null || until.isBefore(other.until) ? until
                : other.until;
        return start.isBefore(end);
    }
}
