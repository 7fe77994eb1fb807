package io.switchboard.stack;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line or in a system property: {@code 200ms}, {@code 1.5s}, {@code 2m},
 * or {@code 0}. The unit is required (a bare {@code 200} could mean milliseconds or seconds).
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

    private Durations() {
    }

    /** @throws IllegalArgumentException for anything else, saying how to write it */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a duration: '" + text + "' (write it with its unit: 200ms, 1.5s, "
                    + "2m, or 0)");
        }
        double value = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1_000;
            default -> value * 60_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
