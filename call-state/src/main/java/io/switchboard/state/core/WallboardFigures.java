package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import io.switchboard.contract.Wallboard;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wallboard's figures from what the store aggregated (docs/protocol.md, "The wallboard"): the day's bounds in the
 * tenant's zone, and the quotients, which are computed here so that a recomputation from the history gets the very
 * same doubles. Pure.
 */
public final class WallboardFigures {
    private WallboardFigures() {
    }

    /** A local day of the tenant's zone: its calls started at or after {@code from} and before {@code until}. */
    public record Day(LocalDate date, Instant from, Instant until) {
    }

    /**
     * The day {@code now} falls on in {@code zone}. A day is not always 24 hours: across a daylight-saving change it
     * runs from one local midnight (or the first moment of the day, where midnight does not exist) to the next.
     */
    public static Day dayOf(Instant now, ZoneId zone) {
        LocalDate date = now.atZone(zone).toLocalDate();
        return new Day(date, date.atStartOfDay(zone).toInstant(), date.plusDays(1).atStartOfDay(zone).toInstant());
    }

    /**
     * The day's calls as the store counted them.
     *
     * @param answered callers' calls (outcome not {@code outbound}) with an answer
     * @param offered calls offered to the queue: outcomes {@code answered}, {@code transferred}, {@code abandoned},
     *     {@code voicemail}, {@code forwarded}
     * @param answeredWithin of {@code offered}, those answered within the service-level threshold of their start
     * @param answerMicros the sum over {@code answered} of answer minus start, in microseconds
     */
    public record DayTotals(int answered, int abandoned, int voicemail, int offered, int answeredWithin,
            long answerMicros) {
        public static final DayTotals NONE = new DayTotals(0, 0, 0, 0, 0, 0);
    }

    /** An active agent as it stands. */
    public record AgentNow(String agentId, String name, Presence presence, AgentStatus status, Instant statusSince) {
    }

    /** An agent's day: calls handled, their talk time in whole seconds summed call by call, calls missed. */
    public record AgentDay(int handled, long talkSeconds, int missed) {
        public static final AgentDay NONE = new AgentDay(0, 0, 0);
    }

    /**
     * @param longestWaitingSince when the longest-waiting ringing caller began to wait; null when none waits
     * @param agents the tenant's active agents, in the order they are shown (by name)
     * @param days each agent's day; an agent not in it had none
     */
    public static Wallboard of(Day day, Instant at, int callsWaiting, Instant longestWaitingSince, DayTotals totals,
            int serviceLevelSeconds, List<AgentNow> agents, Map<String, AgentDay> days) {
        List<Wallboard.AgentFigures> figures = new ArrayList<>(agents.size());
        for (AgentNow agent : agents) {
            AgentDay agentDay = days.getOrDefault(agent.agentId(), AgentDay.NONE);
            figures.add(new Wallboard.AgentFigures(agent.agentId(), agent.name(), agent.presence(), agent.status(),
                    agent.statusSince(), agentDay.handled(), agentDay.missed(), agentDay.talkSeconds()));
        }
        return new Wallboard(day.date(), at, callsWaiting, longestWaitingSince, totals.answered(),
                totals.abandoned(), totals.voicemail(), serviceLevel(totals.answeredWithin(), totals.offered()),
                serviceLevelSeconds, averageAnswerSeconds(totals.answerMicros(), totals.answered()),
                List.copyOf(figures));
    }

    /** The share of the offered calls answered within the threshold; null when none was offered. */
    public static Double serviceLevel(int answeredWithin, int offered) {
        return offered == 0 ? null : (double) answeredWithin / offered;
    }

    /** The mean wait for an answer, in seconds, from the microseconds summed; null when none was answered. */
    public static Double averageAnswerSeconds(long answerMicros, int answered) {
        return answered == 0 ? null : answerMicros / 1_000_000.0 / answered;
    }
}
