package io.switchboard.contract.handling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A tenant's weekly business hours in local wall-clock time, as {@code call_handling.weekly_hours} stores them:
 * {@code {"mon": ["09:00-12:30", "13:30-17:00"], "sat": []}}. Day keys {@code mon}..{@code sun}; a day not named is
 * closed all day. An interval includes its start and excludes its end; {@code 24:00} ends one at midnight. An interval
 * stays within its day: a night shift is {@code "22:00-24:00"} on one day and {@code "00:00-06:00"} on the next, which
 * is also what a daylight-saving change would otherwise make ambiguous.
 *
 * @param days each named day's intervals, sorted and not overlapping
 */
public record WeeklyHours(Map<DayOfWeek, List<Interval>> days) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERVAL = Pattern.compile("(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final int MINUTES_A_DAY = 24 * 60;
    private static final List<String> KEYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    /**
     * Open from {@code start} (minutes after local midnight, included) to {@code end} (excluded; 1440 is midnight at the
     * day's end).
     */
    public record Interval(int start, int end) {
        public Interval {
            if (start < 0 || end > MINUTES_A_DAY || start >= end) {
                throw new IllegalArgumentException("An interval must start before it ends, within one day: "
                        + clock(start) + "-" + clock(end));
            }
        }

        boolean contains(int minute) {
            return minute >= start && minute < end;
        }

        @Override
        public String toString() {
            return clock(start) + "-" + clock(end);
        }
    }

    public WeeklyHours {
        Map<DayOfWeek, List<Interval>> copy = new EnumMap<>(DayOfWeek.class);
        days.forEach((day, intervals) -> copy.put(day, List.copyOf(intervals)));
        days = Collections.unmodifiableMap(copy);
    }

    /** Whether the schedule is open at this local day and time. */
    public boolean openAt(DayOfWeek day, LocalTime time) {
        int minute = time.getHour() * 60 + time.getMinute();
        return days.getOrDefault(day, List.of()).stream().anyMatch(interval -> interval.contains(minute));
    }

    /**
     * Reads the stored JSON; null or JSON {@code null} is null (open always). Anything else that is not a schedule is
     * refused with an {@link IllegalArgumentException} that says what is wrong, in words an administrator can act on.
     */
    public static WeeklyHours parse(String json) {
        if (json == null) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Business hours are not JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("Business hours must be an object of days, e.g."
                    + " {\"mon\": [\"09:00-17:00\"]}; got " + root.getNodeType().name().toLowerCase() + ".");
        }
        Map<DayOfWeek, List<Interval>> days = new EnumMap<>(DayOfWeek.class);
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            int index = KEYS.indexOf(field.getKey());
            if (index < 0) {
                throw new IllegalArgumentException("Business hours name an unknown day '" + field.getKey()
                        + "'; the days are " + String.join(", ", KEYS) + ".");
            }
            days.put(DayOfWeek.of(index + 1), intervals(field.getKey(), field.getValue()));
        }
        return new WeeklyHours(days);
    }

    private static List<Interval> intervals(String day, JsonNode value) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("Business hours of '" + day + "' must be a list of intervals such as"
                    + " [\"09:00-17:00\"] ([] for closed).");
        }
        List<Interval> intervals = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("Business hours of '" + day + "': " + item
                        + " is not an interval such as \"09:00-17:00\".");
            }
            intervals.add(interval(day, item.asText()));
        }
        intervals.sort(Comparator.comparingInt(Interval::start));
        for (int i = 1; i < intervals.size(); i++) {
            if (intervals.get(i).start() < intervals.get(i - 1).end()) {
                throw new IllegalArgumentException("Business hours of '" + day + "': " + intervals.get(i - 1)
                        + " and " + intervals.get(i) + " overlap.");
            }
        }
        return intervals;
    }

    private static Interval interval(String day, String text) {
        Matcher m = INTERVAL.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Business hours of '" + day + "': '" + text + "' is not an interval"
                    + " HH:MM-HH:MM such as \"09:00-17:00\".");
        }
        int start = minute(day, text, m.group(1), m.group(2), false);
        int end = minute(day, text, m.group(3), m.group(4), true);
        if (start >= end) {
            throw new IllegalArgumentException("Business hours of '" + day + "': '" + text + "' does not end after it"
                    + " starts. An interval stays within its day: write \"22:00-24:00\" on one day and \"00:00-06:00\""
                    + " on the next.");
        }
        return new Interval(start, end);
    }

    private static int minute(String day, String text, String hours, String minutes, boolean end) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        boolean midnight = end && h == 24 && m == 0;
        if (!midnight && (h > 23 || m > 59)) {
            throw new IllegalArgumentException("Business hours of '" + day + "': '" + text + "' has no such time "
                    + hours + ":" + minutes + (end ? " (24:00 ends a day)." : "."));
        }
        return h * 60 + m;
    }

    /** The schedule as the admin API sends it: {@link #parse}'s form as a map, days in week order. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        days.forEach((day, intervals) -> map.put(KEYS.get(day.getValue() - 1),
                intervals.stream().map(Interval::toString).toList()));
        return map;
    }

    /** {@link #parse} of the admin API's map: the same checks, the same words. */
    public static WeeklyHours of(Map<String, List<String>> map) {
        return parse(JSON.valueToTree(map).toString());
    }

    /** The schedule as {@link #parse} reads it, days in week order. */
    public String toJson() {
        return days.entrySet().stream()
                .map(day -> "\"" + KEYS.get(day.getKey().getValue() - 1) + "\":" + day.getValue().stream()
                        .map(interval -> "\"" + interval + "\"").collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String clock(int minute) {
        return String.format("%02d:%02d", minute / 60, minute % 60);
    }
}
