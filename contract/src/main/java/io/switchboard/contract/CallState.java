package io.switchboard.contract;

/** Where a call is in its life. ENDED is terminal: nothing brings an ended call back. */
public enum CallState {
    RINGING, CLAIMED, CONNECTED, PARKED, ENDED
}
