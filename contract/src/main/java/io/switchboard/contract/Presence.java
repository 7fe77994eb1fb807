package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Presence {
    @JsonProperty("online") ONLINE,
    @JsonProperty("offline") OFFLINE
}
