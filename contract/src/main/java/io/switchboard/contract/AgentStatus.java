package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code available} and {@code away} are set by the agent; {@code busy} and {@code wrap_up} follow from calls. */
public enum AgentStatus {
    @JsonProperty("available") AVAILABLE,
    @JsonProperty("away") AWAY,
    @JsonProperty("busy") BUSY,
    @JsonProperty("wrap_up") WRAP_UP;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AgentStatus fromWire(String value) {
        return value == null ? null : valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
