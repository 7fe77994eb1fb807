package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The gateway's answer to one client request, on the agent's WebSocket: every request with a {@code requestId} gets
 * exactly one. call-state's {@link AgentReply} becomes one of these; the gateway answers some requests itself
 * ({@code bad_request}, {@code rate_limited}, {@code unavailable}, {@code timeout}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Answer.Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = Answer.Error.class, name = "error")
})
public sealed interface Answer {

    /** The client's id of the request answered; null when the frame had none (it was not JSON, say). */
    String requestId();

    /** The request was accepted. */
    record Ack(String requestId) implements Answer {
    }

    /**
     * The request was refused, or its outcome is unknown.
     *
     * @param code a stable code ({@link ErrorCode#wire()}) clients switch on
     * @param message for people: what happened and what to do
     */
    record Error(String requestId, String code, String message) implements Answer {
    }
}
