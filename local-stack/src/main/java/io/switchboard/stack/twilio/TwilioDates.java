package io.switchboard.stack.twilio;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as Twilio writes them in webhooks and REST resources: RFC 2822, {@code Mon, 16 Aug 2010 03:45:01 +0000}. */
final class TwilioDates {
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private TwilioDates() {
    }

    static String rfc2822(Instant instant) {
        return instant == null ? null : RFC_2822.format(instant);
    }
}
