package io.switchboard.state.core;

import java.time.Instant;

/** What the parking lot's history ({@code call_parks}) gains from a decision: a row per stay in a slot. */
public sealed interface ParkingHistory {

    String callSid();

    /** A stay begins. */
    record StayBegun(String callSid, int slot, String parkedBy, Instant at) implements ParkingHistory {
    }

    /** Twilio never took the caller to the lot: the open stay did not happen. */
    record StayUndone(String callSid) implements ParkingHistory {
    }

    /** The open stay ends: {@code outcome} {@code retrieved} (by {@code retrievedBy}), {@code park_timeout}, or how the call ended. */
    record StayEnded(String callSid, Instant at, String outcome, String retrievedBy) implements ParkingHistory {
    }
}
