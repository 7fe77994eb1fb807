package io.switchboard.contract;

import io.switchboard.contract.handling.CallHandling;
import io.switchboard.contract.handling.WeeklyHours;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a tenant's admin sets, as the admin API reads and writes it: the parking lot, the tenant's own times (null:
 * the service's default) and how callers nobody answers are handled.
 *
 * @param parkSlotFirst the parking lot's first slot number
 * @param parkSlotLast its last slot number
 * @param parkTimeoutSeconds how long a parked call waits before it rings back; null: the service's default
 * @param parkerRingSeconds how long a ring-back rings for its parker alone first; null: the service's default
 * @param wrapUpSeconds an agent's wrap-up after a call; null: the service's default
 * @param serviceLevelSeconds the wallboard's threshold: callers answered within it count as served in time
 * @param queue the wait limit and business hours ({@code call_handling})
 */
public record TenantSettings(int parkSlotFirst, int parkSlotLast, Integer parkTimeoutSeconds,
        Integer parkerRingSeconds, Integer wrapUpSeconds, int serviceLevelSeconds, Queue queue) {

    /** The largest slot number a lot may have: slot numbers are dialled on a keypad. */
    public static final int MAX_SLOT = 9999;

    /**
     * {@code call_handling} as the admin API shows it; see {@link CallHandling} for each field.
     *
     * @param weeklyHours the weekly schedule, {@code {"mon": ["09:00-17:00"], …}}; null: open every day, all day
     */
    public record Queue(Integer maxWaitSeconds, String atLimit, String forwardTo, String timeZone,
            Map<String, List<String>> weeklyHours, List<LocalDate> closedDates, String afterHours,
            String afterHoursMessage, String greetingText, String greetingUrl) {

        public static Queue of(CallHandling handling) {
            return new Queue(handling.maxWait() == null ? null : (int) handling.maxWait().toSeconds(),
                    handling.atLimit().wire(), handling.forwardTo(), handling.zone().getId(),
                    handling.hours() == null ? null : handling.hours().asMap(),
                    new ArrayList<>(new TreeSet<>(handling.closedDates())), handling.afterHours().wire(),
                    handling.afterHoursMessage(), handling.greetingText(), handling.greetingUrl());
        }

        /**
         * The settings as call-state and call-ingest use them.
         *
         * @throws IllegalArgumentException saying what is wrong, for people
         */
        public CallHandling handling() {
            if (maxWaitSeconds != null && (maxWaitSeconds <= 0 || maxWaitSeconds > 86_400)) {
                throw new IllegalArgumentException("maxWaitSeconds must be between 1 and 86400, or null for the"
                        + " service's default; got " + maxWaitSeconds + ".");
            }
            if (forwardTo != null && !forwardTo.isBlank() && !PhoneNumbers.isE164(forwardTo)) {
                throw new IllegalArgumentException("forwardTo must be a number in E.164 (+ and the country code),"
                        + " got '" + forwardTo + "'.");
            }
            if (greetingUrl != null && !greetingUrl.isBlank() && !greetingUrl.startsWith("https://")) {
                throw new IllegalArgumentException("greetingUrl must be an https:// URL Twilio can fetch, got '"
                        + greetingUrl + "'.");
            }
            return new CallHandling(maxWaitSeconds == null ? null : Duration.ofSeconds(maxWaitSeconds),
                    CallHandling.AtLimit.parse(atLimit == null ? "voicemail" : atLimit), forwardTo,
                    CallHandling.zone(timeZone == null ? "UTC" : timeZone),
                    weeklyHours == null ? null : WeeklyHours.of(weeklyHours),
                    closedDates == null ? Set.of() : Set.copyOf(closedDates),
                    CallHandling.AfterHours.parse(afterHours == null ? "voicemail" : afterHours), afterHoursMessage,
                    greetingText, greetingUrl);
        }
    }
}
