package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Optional;

/** Twilio's {@code CallStatus} values, spelled on the wire as Twilio spells them. */
public enum TwilioCallStatus {
    @JsonProperty("queued") QUEUED("queued"),
    @JsonProperty("initiated") INITIATED("initiated"),
    @JsonProperty("ringing") RINGING("ringing"),
    @JsonProperty("in-progress") IN_PROGRESS("in-progress"),
    @JsonProperty("completed") COMPLETED("completed"),
    @JsonProperty("busy") BUSY("busy"),
    @JsonProperty("failed") FAILED("failed"),
    @JsonProperty("no-answer") NO_ANSWER("no-answer"),
    @JsonProperty("canceled") CANCELED("canceled"),
    /** Only as a {@code DialCallStatus}: the dialled party answered and the call goes on. */
    @JsonProperty("answered") ANSWERED("answered");

    private final String wire;

    TwilioCallStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** True once the leg is over, whether it was answered or not. */
    public boolean isFinal() {
        return this == COMPLETED || this == BUSY || this == FAILED || this == NO_ANSWER || this == CANCELED;
    }

    public static Optional<TwilioCallStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }
}
