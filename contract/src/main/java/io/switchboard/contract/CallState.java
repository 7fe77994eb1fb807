package io.switchboard.contract;

/**
 * Where a call is in its life. ENDED is terminal: nothing brings an ended call back. VOICEMAIL and FORWARDED are a
 * caller no agent answered in time (the tenant's wait limit) or who called outside business hours: they hear the
 * greeting and leave a message, or their call is dialled on to the tenant's overflow number, until they hang up.
 */
public enum CallState {
    RINGING, CLAIMED, CONNECTED, PARKED, VOICEMAIL, FORWARDED, ENDED
}
