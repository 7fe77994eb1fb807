package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Whether an agent has a screen open anywhere; call-state derives it from the gateways' connection reports. */
public enum Presence {
    @JsonProperty("online") ONLINE,
    @JsonProperty("offline") OFFLINE;

    /** As the wire and {@code voip_users.presence} spell it. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Presence fromWire(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
