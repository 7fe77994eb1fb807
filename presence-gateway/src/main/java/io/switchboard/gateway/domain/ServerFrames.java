package io.switchboard.gateway.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.Answer;
import io.switchboard.contract.ErrorCode;

/** The gateway's own server → client frames: the answers to commands. Changes and snapshots are built elsewhere. */
public final class ServerFrames {

    private final ObjectMapper mapper;

    public ServerFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String ack(String requestId) {
        return write(new Answer.Ack(requestId));
    }

    public String error(String requestId, ErrorCode code, String message) {
        return error(requestId, code.wire(), message);
    }

    public String error(String requestId, String code, String message) {
        return write(new Answer.Error(requestId, code, message));
    }

    /** call-state's answer as the client sees it: {@code ack}, or {@code error} with call-state's code. */
    public String reply(AgentReply reply) {
        return reply.accepted() ? ack(reply.requestId()) : error(reply.requestId(), reply.code(), reply.message());
    }

    private String write(Answer frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a " + frame.getClass().getSimpleName() + " frame", e);
        }
    }
}
