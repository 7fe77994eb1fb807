package io.switchboard.operator;

import java.util.List;

/** The operator's request was refused and nothing was written; each reason is a sentence saying what to change. */
public final class Refused extends Exception {
    private final List<String> reasons;

    public Refused(List<String> reasons) {
        super(String.join(" ", reasons), null, false, false);
        this.reasons = List.copyOf(reasons);
    }

    public Refused(String reason) {
        this(List.of(reason));
    }

    public List<String> reasons() {
        return reasons;
    }
}
