package io.switchboard.contract;

import java.util.Locale;

/** Stable codes of {@code error} frames; clients switch on these, people read the message beside them. */
public enum ErrorCode {
    /** Someone else claimed (or retrieved) the call first. */
    ALREADY_CLAIMED,
    /** The call is over or was never known. */
    CALL_NOT_FOUND,
    /** The call is not in a state that allows this command. */
    INVALID_STATE,
    /** The call belongs to another agent. */
    NOT_YOUR_CALL,
    /** The agent is already on a call. */
    AGENT_BUSY,
    /** Every slot of the parking lot is taken; the call stays connected. */
    PARKING_FULL,
    /** The call is not offered to this agent: they are away, offline or in wrap-up, or it rings back its parker. */
    NOT_OFFERED,
    /** The agent is not known to the tenant or is deactivated. */
    UNKNOWN_AGENT,
    /** The agent a call is transferred to cannot take it now: offline, away, wrapping up or on a call. */
    TARGET_UNAVAILABLE,
    /** A {@code dial} to something that is no phone number in E.164 ({@code +} and the country code). */
    INVALID_NUMBER,
    /** A {@code dial} to a country the tenant may not call (its list of country codes). */
    NUMBER_NOT_ALLOWED,
    /** Another agent took the voicemail first. */
    ALREADY_TAKEN,
    /** The voicemail is done, or was never known to the tenant. */
    VOICEMAIL_NOT_FOUND,
    /** The voicemail was taken by another agent: only they mark it done. */
    NOT_YOUR_VOICEMAIL,
    /** Only a supervisor (or, for the admin API, an admin) may do this; the token lacks the role. */
    FORBIDDEN,
    /** An admin write names an agent id the tenant already has (active or deactivated). */
    AGENT_EXISTS,
    /** The number reaches another tenant already. */
    NUMBER_TAKEN,
    /** The tenant has no such number. */
    NUMBER_NOT_FOUND,
    /** The write would leave the tenant without an active admin. */
    LAST_ADMIN,
    /** An admin write that is not valid as it stands: the message says which field and why. */
    INVALID_INPUT,
    /** The frame could not be understood. */
    BAD_REQUEST,
    /** The connection sent more commands than a person clicks; this one was dropped unsent, try again shortly. */
    RATE_LIMITED,
    /** A dependency (Kafka, Twilio) did not answer; nothing changed, try again. */
    UNAVAILABLE,
    /** No answer from call-state in time; the outcome, if any, arrives as a change. */
    TIMEOUT,
    /** A command this version of call-state does not carry out yet. */
    UNSUPPORTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
