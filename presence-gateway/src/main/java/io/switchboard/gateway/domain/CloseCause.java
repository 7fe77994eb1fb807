package io.switchboard.gateway.domain;

/**
 * Why the gateway closes an agent's connection: the WebSocket close code and reason the client gets, and the tag the
 * close is counted under. The 44xx codes mirror the HTTP status a client already knows how to react to; they are the
 * contract in docs/protocol.md.
 */
public enum CloseCause {
    /** The token's {@code exp} passed: sign in again, then reconnect. */
    TOKEN_EXPIRED(4401, "token_expired", "The agent token expired; sign in again and reconnect."),
    /** The tenant deactivated the agent (or removed them): do not reconnect. */
    DEACTIVATED(4403, "deactivated", "The agent was deactivated by the tenant."),
    /** A supervisor signed the agent out: sign in again to take calls. */
    SIGNED_OUT(4409, "signed_out", "A supervisor signed this agent out; sign in again to take calls."),
    /** Nothing heard (no pong, no frame) within the pong timeout: the connection is taken for dead. */
    NO_PONG(4408, "no_pong", "No answer to pings; reconnect with ?since= the last seq you have."),
    /** The client fell behind its send queue and did not catch up, or kept falling behind. */
    TOO_SLOW(4429, "too_slow", "The client did not keep up with its frames; reconnect with ?since= the last seq you have."),
    /** The tenant's snapshot could not be read (Postgres away). */
    NO_SNAPSHOT(1011, "no_snapshot", "The live picture could not be read; reconnect in a moment."),
    /** The database is behind the change stream (misconfiguration); retrying later may help. */
    BEHIND(1011, "behind", "The live picture is behind the change stream; reconnect in a moment."),
    /** A change could not be handed to this connection (a gateway bug, logged as an error): its picture is unsure. */
    FAILED(1011, "failed", "The gateway could not hand this connection a change; reconnect with ?since= the last seq "
            + "you have.");

    private final int code;
    private final String tag;
    private final String message;

    CloseCause(int code, String tag, String message) {
        this.code = code;
        this.tag = tag;
        this.message = message;
    }

    /** The WebSocket close code. */
    public int code() {
        return code;
    }

    /** The close frame's reason, for people. */
    public String message() {
        return message;
    }

    public String tag() {
        return tag;
    }
}
