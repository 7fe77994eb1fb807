package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServerFramesTest {
    private final ServerFrames frames = new ServerFrames(Json.MAPPER);

    @Test
    void answersAreTheFramesTheProtocolNames() {
        assertThat(frames.ack("r1")).isEqualTo("{\"type\":\"ack\",\"requestId\":\"r1\"}");
        assertThat(frames.error("r1", ErrorCode.RATE_LIMITED, "Too many frames."))
                .isEqualTo("{\"type\":\"error\",\"requestId\":\"r1\",\"code\":\"rate_limited\","
                        + "\"message\":\"Too many frames.\"}");
        // A frame that was not JSON had no request id: the error says so with null.
        assertThat(frames.error(null, ErrorCode.BAD_REQUEST, "Not JSON."))
                .isEqualTo("{\"type\":\"error\",\"requestId\":null,\"code\":\"bad_request\","
                        + "\"message\":\"Not JSON.\"}");
    }

    @Test
    void callStatesReplyKeepsItsCodeAndMessage() {
        AgentCommand claim = new AgentCommand("c1", "acme", "rhonda", AgentCommand.Type.CLAIM, "CA1", null, "r2",
                new AgentCommand.ReplyTo("gw", "c-1"), Instant.EPOCH);
        assertThat(frames.reply(AgentReply.ack(claim))).isEqualTo("{\"type\":\"ack\",\"requestId\":\"r2\"}");
        assertThat(frames.reply(AgentReply.error(claim, ErrorCode.ALREADY_CLAIMED, "Doug answered first.")))
                .isEqualTo("{\"type\":\"error\",\"requestId\":\"r2\",\"code\":\"already_claimed\","
                        + "\"message\":\"Doug answered first.\"}");
    }
}
