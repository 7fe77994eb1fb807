package io.switchboard.contract;

import java.time.Instant;

/** A call as every screen of the tenant sees it. */
public record Call(String callSid, String from, String to, CallState state, String agentId, Integer slot,
        Instant startedAt, Instant answeredAt, Instant parkedAt) {
}
