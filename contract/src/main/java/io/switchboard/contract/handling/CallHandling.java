package io.switchboard.contract.handling;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Set;

/**
 * How a tenant's calls are handled when nobody answers them, and outside business hours: one row of
 * {@code call_handling} (migration V13). A tenant without a row has {@link #defaults()}. Pure: whoever reads the row
 * decides when, and {@link #openAt} takes the instant it is asked about.
 *
 * @param maxWait how long a caller waits for an agent; null: the service's default ({@code switchboard.queue.max-wait})
 * @param atLimit what happens to a caller nobody answered within {@code maxWait}
 * @param forwardTo the overflow number {@link AtLimit#FORWARD} dials (E.164); null when none is set
 * @param zone the tenant's time zone, in which {@code hours} and {@code closedDates} are read
 * @param hours the weekly schedule; null: open every day, all day
 * @param closedDates whole local days closed whatever the schedule says (holidays)
 * @param afterHours what a caller outside business hours gets instead of the queue
 * @param afterHoursMessage what a caller hears outside business hours (before the recording, or before the hang-up);
 *     null: a default text
 * @param greetingText spoken before a voicemail is recorded; null: a default text
 * @param greetingUrl an audio file played before a voicemail is recorded; wins over {@code greetingText}
 */
public record CallHandling(Duration maxWait, AtLimit atLimit, String forwardTo, ZoneId zone, WeeklyHours hours,
        Set<LocalDate> closedDates, AfterHours afterHours, String afterHoursMessage, String greetingText,
        String greetingUrl) {

    /** What happens to a caller who waited the limit. */
    public enum AtLimit {
        VOICEMAIL, FORWARD;

        /** As stored and sent: {@code voicemail}, {@code forward}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static AtLimit parse(String value) {
            for (AtLimit atLimit : values()) {
                if (atLimit.wire().equals(value)) {
                    return atLimit;
                }
            }
            throw new IllegalArgumentException("What happens at the wait limit must be 'voicemail' or 'forward', got '"
                    + value + "'.");
        }
    }

    /** What a caller outside business hours gets. */
    public enum AfterHours {
        /** The greeting and a recording. */
        VOICEMAIL,
        /** The after-hours message, then a hang-up. */
        MESSAGE;

        /** As stored and sent ({@code TwilioEvent.CallIncoming.afterHours}): {@code voicemail}, {@code message}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static AfterHours parse(String value) {
            for (AfterHours afterHours : values()) {
                if (afterHours.wire().equals(value)) {
                    return afterHours;
                }
            }
            throw new IllegalArgumentException("What happens outside business hours must be 'voicemail' or 'message',"
                    + " got '" + value + "'.");
        }
    }

    public CallHandling {
        if (maxWait != null && (maxWait.isZero() || maxWait.isNegative())) {
            throw new IllegalArgumentException("The wait limit must be longer than zero, got " + maxWait + ".");
        }
        if (atLimit == null) {
            throw new IllegalArgumentException("What happens at the wait limit is missing ('voicemail' or 'forward').");
        }
        if (atLimit == AtLimit.FORWARD && isBlank(forwardTo)) {
            throw new IllegalArgumentException("'forward' at the wait limit needs a number to forward to.");
        }
        if (zone == null) {
            throw new IllegalArgumentException("The time zone is missing (an IANA name such as 'Europe/Berlin').");
        }
        if (afterHours == null) {
            throw new IllegalArgumentException("What happens outside business hours is missing ('voicemail' or"
                    + " 'message').");
        }
        closedDates = closedDates == null ? Set.of() : Set.copyOf(closedDates);
        forwardTo = blankToNull(forwardTo);
        afterHoursMessage = blankToNull(afterHoursMessage);
        greetingText = blankToNull(greetingText);
        greetingUrl = blankToNull(greetingUrl);
    }

    /** A tenant without settings: open always, the service's wait limit, then a voicemail with the default greeting. */
    public static CallHandling defaults() {
        return new CallHandling(null, AtLimit.VOICEMAIL, null, ZoneId.of("UTC"), null, Set.of(), AfterHours.VOICEMAIL,
                null, null, null);
    }

    /**
     * A time zone by its IANA name ({@code Europe/Berlin}), as {@code call_handling.time_zone} stores it.
     *
     * @throws IllegalArgumentException naming the zone, when there is no such zone
     */
    public static ZoneId zone(String name) {
        if (isBlank(name)) {
            throw new IllegalArgumentException("The time zone is missing (an IANA name such as 'Europe/Berlin').");
        }
        try {
            return ZoneId.of(name.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + name + "' is not a time zone; use an IANA name such as"
                    + " 'Europe/Berlin' or 'America/New_York'.");
        }
    }

    /**
     * Whether the tenant is open at {@code instant}: not on a closed date, and within the weekly schedule, both read on
     * the wall clock of the tenant's zone. Across a daylight-saving change the schedule keeps its local times: a day
     * opening at 09:00 opens at 09:00 local time on either side of it.
     */
    public boolean openAt(Instant instant) {
        ZonedDateTime local = instant.atZone(zone);
        if (closedDates.contains(local.toLocalDate())) {
            return false;
        }
        return hours == null || hours.openAt(local.getDayOfWeek(), local.toLocalTime());
    }

    /** A forward is possible: the overflow number is set. */
    public boolean canForward() {
        return forwardTo != null;
    }

    private static String blankToNull(String value) {
        return isBlank(value) ? null : value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
