package io.switchboard.contract;

/**
 * call-state's answer to one {@link AgentCommand}, on {@link Topics#AGENT_REPLIES} keyed by tenant. Every
 * gateway reads every reply and delivers those addressed to its own connections.
 *
 * @param code null for an accepted command; otherwise a stable error code such as {@code already_claimed}
 * @param message for people: what happened and what to do
 */
public record AgentReply(String tenantId, String agentId, AgentCommand.ReplyTo replyTo, String commandId,
        String requestId, String code, String message) {

    public boolean accepted() {
        return code == null;
    }

    public static AgentReply ack(AgentCommand command) {
        return new AgentReply(command.tenantId(), command.agentId(), command.replyTo(), command.commandId(),
                command.requestId(), null, null);
    }

    public static AgentReply error(AgentCommand command, ErrorCode code, String message) {
        return new AgentReply(command.tenantId(), command.agentId(), command.replyTo(), command.commandId(),
                command.requestId(), code.wire(), message);
    }
}
