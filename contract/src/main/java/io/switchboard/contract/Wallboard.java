package io.switchboard.contract;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A tenant's live figures for its supervisors, exact as of the {@code seq} of the change (or snapshot) that carries
 * them: equal to a recomputation from the call history and the live calls at that seq. Definitions in
 * docs/protocol.md ("The wallboard").
 *
 * @param day today in the tenant's time zone; the day's figures count the ended calls that started on it
 * @param at when call-state computed the figures
 * @param callsWaiting calls ringing now (RINGING)
 * @param longestWaitingSince when the caller who has waited longest of them began to wait, as the wait limit counts it
 *     (from the call's start, or from a park's or a transfer's ring-back); null when nobody waits. Screens count up
 *     from it.
 * @param answered the day's callers' calls an agent answered
 * @param abandoned the day's callers who hung up before anyone answered
 * @param voicemail the day's callers sent to leave a voicemail at the wait limit
 * @param serviceLevel the share of the day's calls offered to the queue that were answered within
 *     {@code serviceLevelSeconds} of their start; null when none was offered
 * @param serviceLevelSeconds the tenant's service-level threshold
 * @param averageAnswerSeconds how long the day's answered callers waited for the answer, on average; null when none
 * @param agents the tenant's active agents, by name
 */
public record Wallboard(LocalDate day, Instant at, int callsWaiting, Instant longestWaitingSince, int answered,
        int abandoned, int voicemail, Double serviceLevel, int serviceLevelSeconds, Double averageAnswerSeconds,
        List<AgentFigures> agents) {

    /**
     * The same figures computed at another moment: a wallboard that differs from the last one only by {@code at} is
     * not published.
     */
    public boolean sameFiguresAs(Wallboard other) {
        return other != null && new Wallboard(day, null, callsWaiting, longestWaitingSince, answered, abandoned,
                voicemail, serviceLevel, serviceLevelSeconds, averageAnswerSeconds, agents).equals(
                        new Wallboard(other.day, null, other.callsWaiting, other.longestWaitingSince, other.answered,
                                other.abandoned, other.voicemail, other.serviceLevel, other.serviceLevelSeconds,
                                other.averageAnswerSeconds, other.agents));
    }

    /**
     * One agent's figures of the day.
     *
     * @param statusSince when the agent's status or presence last changed
     * @param handled the day's calls (callers' or placed) the agent held when they ended, answered
     * @param missed the day's ended callers' calls that rang for the agent while they were available and that the
     *     agent did not handle
     * @param talkSeconds the whole seconds from answer to end of the calls {@code handled}, summed call by call
     */
    public record AgentFigures(String agentId, String name, Presence presence, AgentStatus status,
            Instant statusSince, int handled, int missed, long talkSeconds) {
    }
}
