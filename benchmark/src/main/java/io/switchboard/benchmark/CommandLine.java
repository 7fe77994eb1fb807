package io.switchboard.benchmark;

import io.switchboard.stack.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A command line read one option at a time, each value read as what its option takes; a value that is not gets an
 * error naming the option. Keeps what was written, for the results.
 */
final class CommandLine {
    private final String[] args;
    private final List<String> written;
    private int next;
    private String option;

    CommandLine(String command, String[] args) {
        this.args = args.clone();
        this.written = new ArrayList<>(List.of(command));
    }

    boolean more() {
        return next < args.length;
    }

    /** The next option. */
    String option() {
        option = args[next++];
        written.add(option);
        return option;
    }

    /** The value written after the option just read. */
    String value() {
        if (next >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[next++];
        written.add(value);
        return value;
    }

    int count() {
        String value = value();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a whole number: " + value);
        }
    }

    double rate() {
        String value = value();
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number: " + value);
        }
    }

    Duration duration() {
        return withOption(() -> Durations.parse(value()));
    }

    /** {@code 0ms,200ms}: one or more durations, each measured in turn. */
    List<Duration> durations() {
        String value = value();
        return withOption(() -> {
            List<Duration> durations = new ArrayList<>();
            for (String one : value.split(",")) {
                durations.add(Durations.parse(one));
            }
            return List.copyOf(durations);
        });
    }

    /** The command line as it was written. */
    String written() {
        return String.join(" ", written);
    }

    private <T> T withOption(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
