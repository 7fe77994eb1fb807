package io.switchboard.contract.handling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.contract.handling.CallHandling.AfterHours;
import io.switchboard.contract.handling.CallHandling.AtLimit;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallHandlingTest {
    private static final String OFFICE = "{\"mon\":[\"09:00-12:30\",\"13:30-17:00\"],\"tue\":[\"09:00-17:00\"],"
            + "\"wed\":[\"09:00-17:00\"],\"thu\":[\"09:00-17:00\"],\"fri\":[\"09:00-17:00\"],\"sat\":[]}";

    private static CallHandling in(String zone, String hours, LocalDate... closed) {
        return new CallHandling(null, AtLimit.VOICEMAIL, null, CallHandling.zone(zone), WeeklyHours.parse(hours),
                Set.of(closed), AfterHours.VOICEMAIL, null, null, null);
    }

    @Test
    void defaultsAreOpenAlwaysAndTakeAVoicemail() {
        CallHandling defaults = CallHandling.defaults();
        assertThat(defaults.openAt(Instant.parse("2026-12-25T03:00:00Z"))).isTrue();
        assertThat(defaults.openAt(Instant.parse("2026-06-07T23:59:59Z"))).isTrue();
        assertThat(defaults.maxWait()).isNull();
        assertThat(defaults.atLimit()).isEqualTo(AtLimit.VOICEMAIL);
        assertThat(defaults.afterHours()).isEqualTo(AfterHours.VOICEMAIL);
        assertThat(defaults.greetingText()).isNull();
        assertThat(defaults.greetingUrl()).isNull();
        assertThat(defaults.canForward()).isFalse();
    }

    @Test
    void anIntervalIncludesItsStartAndExcludesItsEnd() {
        CallHandling utc = in("UTC", OFFICE);
        // 2026-12-07 is a Monday.
        assertThat(utc.openAt(Instant.parse("2026-12-07T08:59:59Z"))).isFalse();
        assertThat(utc.openAt(Instant.parse("2026-12-07T09:00:00Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-07T12:29:59Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-07T12:30:00Z"))).as("lunch").isFalse();
        assertThat(utc.openAt(Instant.parse("2026-12-07T13:30:00Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-07T16:59:59.999Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-07T17:00:00Z"))).isFalse();
    }

    @Test
    void aDayNotNamedOrNamedEmptyIsClosedAllDay() {
        CallHandling utc = in("UTC", OFFICE);
        assertThat(utc.openAt(Instant.parse("2026-12-12T10:00:00Z"))).as("saturday, []").isFalse();
        assertThat(utc.openAt(Instant.parse("2026-12-13T10:00:00Z"))).as("sunday, not named").isFalse();
    }

    @Test
    void aNightShiftIsWrittenAsTwoIntervalsAnd2400EndsADay() {
        CallHandling utc = in("UTC", "{\"fri\":[\"22:00-24:00\"],\"sat\":[\"00:00-06:00\"]}");
        assertThat(utc.openAt(Instant.parse("2026-12-11T21:59:59Z"))).isFalse();
        assertThat(utc.openAt(Instant.parse("2026-12-11T22:00:00Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-11T23:59:59.999Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-12T00:00:00Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-12T05:59:59Z"))).isTrue();
        assertThat(utc.openAt(Instant.parse("2026-12-12T06:00:00Z"))).isFalse();
        assertThat(in("UTC", "{\"mon\":[\"00:00-24:00\"]}").openAt(Instant.parse("2026-12-07T23:59:59Z"))).isTrue();
    }

    @Test
    void noScheduleIsOpenAlwaysButClosedDatesStillClose() {
        CallHandling holidays = in("UTC", null, LocalDate.parse("2026-12-25"));
        assertThat(holidays.openAt(Instant.parse("2026-12-24T23:59:59Z"))).isTrue();
        assertThat(holidays.openAt(Instant.parse("2026-12-25T00:00:00Z"))).isFalse();
        assertThat(holidays.openAt(Instant.parse("2026-12-25T23:59:59Z"))).isFalse();
        assertThat(holidays.openAt(Instant.parse("2026-12-26T00:00:00Z"))).isTrue();
    }

    @Test
    void aClosedDateOverridesTheScheduleForTheWholeLocalDayInTheTenantsZone() {
        // Christmas 2026 is a Friday; Sydney is UTC+11 in December.
        CallHandling sydney = in("Australia/Sydney", OFFICE, LocalDate.parse("2026-12-25"));
        assertThat(sydney.openAt(Instant.parse("2026-12-24T00:00:00Z"))).as("thu 11:00 local").isTrue();
        assertThat(sydney.openAt(Instant.parse("2026-12-24T22:00:00Z"))).as("fri 09:00 local, closed date")
                .isFalse();
        assertThat(sydney.openAt(Instant.parse("2026-12-25T02:00:00Z"))).as("fri 13:00 local, closed date")
                .isFalse();
        // The same instant is Friday 25th in Sydney but Thursday 24th 22:00 in UTC: the zone decides.
        assertThat(in("UTC", null, LocalDate.parse("2026-12-25")).openAt(Instant.parse("2026-12-24T22:00:00Z")))
                .isTrue();
    }

    @Test
    void aZoneFarFromUtcReadsTheScheduleOnItsOwnWallClock() {
        CallHandling kiritimati = in("Pacific/Kiritimati", "{\"mon\":[\"09:00-17:00\"]}"); // UTC+14
        // Monday 2026-12-07 09:00 in Kiritimati is Sunday 2026-12-06 19:00 UTC.
        assertThat(kiritimati.openAt(Instant.parse("2026-12-06T18:59:59Z"))).isFalse();
        assertThat(kiritimati.openAt(Instant.parse("2026-12-06T19:00:00Z"))).isTrue();
        assertThat(kiritimati.openAt(Instant.parse("2026-12-07T02:59:59Z"))).isTrue();
        assertThat(kiritimati.openAt(Instant.parse("2026-12-07T03:00:00Z"))).isFalse();
        assertThat(in("UTC", "{\"mon\":[\"09:00-17:00\"]}").openAt(Instant.parse("2026-12-06T19:00:00Z"))).isFalse();
    }

    @Test
    void newYorkOpensAt0900LocalOnBothSidesOfTheSpringChange() {
        // 2026-03-08 (a Sunday) New York moves from UTC-5 to UTC-4 at 02:00 local.
        CallHandling ny = in("America/New_York", "{\"sat\":[\"09:00-17:00\"],\"sun\":[\"01:00-04:00\",\"09:00-17:00\"],"
                + "\"mon\":[\"09:00-17:00\"]}");
        assertThat(ny.openAt(Instant.parse("2026-03-07T13:59:59Z"))).as("sat 08:59:59 EST").isFalse();
        assertThat(ny.openAt(Instant.parse("2026-03-07T14:00:00Z"))).as("sat 09:00 EST").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-03-08T13:00:00Z"))).as("sun 09:00 EDT").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-03-08T12:59:59Z"))).as("sun 08:59:59 EDT").isFalse();
        assertThat(ny.openAt(Instant.parse("2026-03-09T13:00:00Z"))).as("mon 09:00 EDT").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-03-09T21:00:00Z"))).as("mon 17:00 EDT").isFalse();
        // 01:00-04:00 local lost an hour that day: 06:00Z is 01:00 EST, 07:00Z already 03:00 EDT, 08:00Z 04:00 EDT.
        assertThat(ny.openAt(Instant.parse("2026-03-08T06:00:00Z"))).isTrue();
        assertThat(ny.openAt(Instant.parse("2026-03-08T07:30:00Z"))).as("03:30 EDT").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-03-08T08:00:00Z"))).as("04:00 EDT").isFalse();
    }

    @Test
    void newYorkClosesAt1700LocalOnBothSidesOfTheAutumnChange() {
        // 2026-11-01 (a Sunday) New York moves from UTC-4 back to UTC-5 at 02:00 local: 01:00-02:00 happens twice.
        CallHandling ny = in("America/New_York", "{\"sat\":[\"09:00-17:00\"],\"sun\":[\"01:30-02:00\"],"
                + "\"mon\":[\"09:00-17:00\"]}");
        assertThat(ny.openAt(Instant.parse("2026-10-31T20:59:59Z"))).as("sat 16:59:59 EDT").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-10-31T21:00:00Z"))).as("sat 17:00 EDT").isFalse();
        assertThat(ny.openAt(Instant.parse("2026-11-02T21:59:59Z"))).as("mon 16:59:59 EST").isTrue();
        assertThat(ny.openAt(Instant.parse("2026-11-02T22:00:00Z"))).as("mon 17:00 EST").isFalse();
        assertThat(ny.openAt(Instant.parse("2026-11-02T13:59:59Z"))).as("mon 08:59:59 EST").isFalse();
        assertThat(ny.openAt(Instant.parse("2026-11-02T14:00:00Z"))).as("mon 09:00 EST").isTrue();
        // 01:30 local happens at 05:30Z (EDT) and again at 06:30Z (EST): open both times.
        assertThat(ny.openAt(Instant.parse("2026-11-01T05:30:00Z"))).isTrue();
        assertThat(ny.openAt(Instant.parse("2026-11-01T06:30:00Z"))).isTrue();
        assertThat(ny.openAt(Instant.parse("2026-11-01T07:00:00Z"))).as("02:00 EST").isFalse();
    }

    @Test
    void berlinKeepsItsLocalHoursAcrossSummerTime() {
        // Berlin: UTC+1 in winter, UTC+2 from 2026-03-29 to 2026-10-25.
        CallHandling berlin = in("Europe/Berlin", OFFICE);
        assertThat(berlin.openAt(Instant.parse("2026-03-27T08:00:00Z"))).as("fri 09:00 CET").isTrue();
        assertThat(berlin.openAt(Instant.parse("2026-03-27T07:59:59Z"))).as("fri 08:59:59 CET").isFalse();
        assertThat(berlin.openAt(Instant.parse("2026-03-30T07:00:00Z"))).as("mon 09:00 CEST").isTrue();
        assertThat(berlin.openAt(Instant.parse("2026-03-30T06:59:59Z"))).as("mon 08:59:59 CEST").isFalse();
        assertThat(berlin.openAt(Instant.parse("2026-10-26T08:00:00Z"))).as("mon 09:00 CET").isTrue();
        assertThat(berlin.openAt(Instant.parse("2026-10-26T07:00:00Z"))).as("mon 08:00 CET").isFalse();
    }

    @Test
    void theScheduleReadsBackAsWritten() {
        WeeklyHours hours = WeeklyHours.parse("{\"sat\":[],\"mon\":[\"13:30-17:00\",\"09:00-12:30\"]}");
        assertThat(hours.toJson()).isEqualTo("{\"mon\":[\"09:00-12:30\",\"13:30-17:00\"],\"sat\":[]}");
        assertThat(WeeklyHours.parse(hours.toJson())).isEqualTo(hours);
        assertThat(hours.openAt(DayOfWeek.MONDAY, LocalTime.of(9, 0))).isTrue();
        assertThat(WeeklyHours.parse(null)).isNull();
        assertThat(WeeklyHours.parse("null")).isNull();
    }

    @Test
    void aScheduleThatIsNotOneIsRefusedSayingWhatIsWrong() {
        assertRefused("{\"mon\":", "not JSON");
        assertRefused("[\"09:00-17:00\"]", "must be an object of days");
        assertRefused("{\"monday\":[\"09:00-17:00\"]}", "unknown day 'monday'");
        assertRefused("{\"mon\":\"09:00-17:00\"}", "'mon' must be a list of intervals");
        assertRefused("{\"mon\":[900]}", "900 is not an interval");
        assertRefused("{\"mon\":[\"9-17\"]}", "'9-17' is not an interval HH:MM-HH:MM");
        assertRefused("{\"mon\":[\"22:00-06:00\"]}", "write \"22:00-24:00\" on one day and \"00:00-06:00\"");
        assertRefused("{\"mon\":[\"09:00-09:00\"]}", "does not end after it starts");
        assertRefused("{\"mon\":[\"24:00-24:00\"]}", "no such time 24:00");
        assertRefused("{\"mon\":[\"09:00-24:30\"]}", "no such time 24:30");
        assertRefused("{\"mon\":[\"09:60-10:00\"]}", "no such time 09:60");
        assertRefused("{\"mon\":[\"09:00-12:00\",\"11:00-13:00\"]}", "09:00-12:00 and 11:00-13:00 overlap");
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> CallHandling.zone("Mars/Olympus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Mars/Olympus' is not a time zone");
        assertThatThrownBy(() -> AtLimit.parse("hangup")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'voicemail' or 'forward', got 'hangup'");
        assertThatThrownBy(() -> AfterHours.parse("busy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'voicemail' or 'message', got 'busy'");
        assertThatThrownBy(() -> new CallHandling(null, AtLimit.FORWARD, " ", ZoneId.of("UTC"), null, Set.of(),
                AfterHours.VOICEMAIL, null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a number to forward to");
        assertThatThrownBy(() -> new CallHandling(Duration.ZERO, AtLimit.VOICEMAIL, null, ZoneId.of("UTC"), null,
                Set.of(), AfterHours.VOICEMAIL, null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wait limit must be longer than zero");
        assertThat(AtLimit.parse("forward")).isEqualTo(AtLimit.FORWARD);
        assertThat(AfterHours.parse("message").wire()).isEqualTo("message");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> WeeklyHours.parse(json)).as(json).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
