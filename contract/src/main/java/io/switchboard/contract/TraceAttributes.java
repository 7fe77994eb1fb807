package io.switchboard.contract;

/**
 * Attributes Switchboard puts on its spans, named once: what an operator searches traces by (a call's trace by its
 * CallSid) and what a push reached. Semantic-convention attributes (HTTP, messaging, SQL) come from the libraries.
 */
public final class TraceAttributes {
    /** Twilio's CallSid of the caller's call; on the webhook's span (the trace's root) and on Twilio REST calls. */
    public static final String CALL_SID = "switchboard.call_sid";
    public static final String TENANT = "switchboard.tenant";
    /** The change's place in its tenant's order, on the gateway's push span. */
    public static final String SEQ = "switchboard.seq";
    /** How many of the tenant's sockets on that gateway were handed the change. */
    public static final String SOCKETS = "switchboard.sockets";

    private TraceAttributes() {
    }
}
