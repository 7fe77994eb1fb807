package io.switchboard.contract;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The id of a call an agent places ({@code dial}). Twilio gives such a call no single SID: it is two legs, the
 * agent's softphone and the number, met in a conference. So call-state names the call itself, the way Twilio names
 * its resources: a type prefix ({@code OB}) and 32 hex digits. The id names the call's conference too
 * ({@link VoiceWebhooks#conference}), so Twilio's callbacks of either leg find their call.
 */
public final class OutboundCall {
    public static final String PREFIX = "OB";

    private OutboundCall() {
    }

    /** The id of the call a {@code dial} command places: the same for each delivery of the command. */
    public static String idFor(String commandId) {
        return PREFIX + UUID.nameUUIDFromBytes(commandId.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** Whether {@code callSid} names a call an agent placed, rather than a caller's call ({@code CA…}). */
    public static boolean is(String callSid) {
        return callSid != null && callSid.startsWith(PREFIX);
    }

    /** Who placed the call: {@code inbound} for a caller's, {@code outbound} for an agent's. */
    public static String direction(String callSid) {
        return is(callSid) ? "outbound" : "inbound";
    }
}
