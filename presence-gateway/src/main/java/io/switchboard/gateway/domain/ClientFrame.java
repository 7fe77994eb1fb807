package io.switchboard.gateway.domain;

import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentStatus;

/** A frame an agent's client sent, once read and checked. */
public sealed interface ClientFrame {

    /**
     * Something for call-state to decide: a call command, a transfer ({@code to}, {@code mode}), a status, or a
     * voicemail's take or done ({@code voicemailId}).
     */
    record Command(AgentCommand.Type type, String callSid, AgentStatus status, String requestId, String to,
            AgentCommand.TransferMode mode, String voicemailId) implements ClientFrame {

        public Command(AgentCommand.Type type, String callSid, AgentStatus status, String requestId, String to,
                AgentCommand.TransferMode mode) {
            this(type, callSid, status, requestId, to, mode, null);
        }

        public Command(AgentCommand.Type type, String callSid, AgentStatus status, String requestId) {
            this(type, callSid, status, requestId, null, null);
        }

        /** A {@code take_voicemail} or {@code voicemail_done}. */
        public static Command voicemail(AgentCommand.Type type, String voicemailId, String requestId) {
            return new Command(type, null, null, requestId, null, null, voicemailId);
        }
    }

    /** The client has everything up to {@code seq} and asks to continue from there. */
    record Resume(long seq) implements ClientFrame {
    }

    /** A frame the gateway cannot act on; {@code requestId} is echoed when the frame had one. */
    record Invalid(String requestId, String message) implements ClientFrame {
    }
}
