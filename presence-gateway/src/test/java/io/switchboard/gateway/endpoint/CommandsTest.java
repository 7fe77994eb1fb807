package io.switchboard.gateway.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Json;
import io.switchboard.contract.Probe;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CommandsTest {

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;
    private AgentClient doug;

    @BeforeEach
    void connect() {
        Gateway.awaitReady();
        callState = new CallStateDouble();
        doug = AgentClient.withQueryToken(base, Tokens.agent("acme", "doug"));
        doug.nextSnapshotSeq();
    }

    @AfterEach
    void close() {
        if (doug != null) {
            doug.close();
        }
        callState.close();
    }

    private static String requestId() {
        return "r-" + UUID.randomUUID();
    }

    private AgentCommand claim(String requestId) {
        Instant sent = Instant.now();
        // The frame pretends to be someone else: tenant and agent must come from the token anyway.
        doug.send("{\"type\":\"claim\",\"callSid\":\"CA1\",\"requestId\":\"" + requestId
                + "\",\"agentId\":\"rhonda\",\"tenantId\":\"globex\"}");
        ConsumerRecord<String, String> record = callState.awaitCommand(c -> requestId.equals(c.requestId()));
        AgentCommand command = CallStateDouble.command(record.value());
        assertThat(record.key()).isEqualTo("acme");
        assertThat(command.issuedAt()).isBetween(sent.minusSeconds(1), Instant.now());
        return command;
    }

    @Test
    void aClaimBecomesACommandForTheTokensAgentAndCallStatesAckReachesTheClient() {
        String requestId = requestId();
        AgentCommand command = claim(requestId);

        assertThat(command.tenantId()).isEqualTo("acme");
        assertThat(command.agentId()).isEqualTo("doug");
        assertThat(command.type()).isEqualTo(AgentCommand.Type.CLAIM);
        assertThat(command.callSid()).isEqualTo("CA1");
        assertThat(command.status()).isNull();
        assertThat(command.commandId()).isNotBlank();
        assertThat(command.replyTo().gatewayId()).isNotBlank();
        assertThat(command.replyTo().connectionId()).isNotBlank();

        callState.reply(AgentReply.ack(command));

        assertThat(doug.next()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"" + requestId + "\"}");
    }

    @Test
    void callStatesErrorReachesTheClientWithItsCode() {
        String requestId = requestId();
        AgentCommand command = claim(requestId);

        callState.reply(AgentReply.error(command, ErrorCode.ALREADY_CLAIMED, "Rhonda answered this call first."));

        JsonNode error = doug.nextJson();
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("requestId").asText()).isEqualTo(requestId);
        assertThat(error.path("code").asText()).isEqualTo("already_claimed");
        assertThat(error.path("message").asText()).isEqualTo("Rhonda answered this call first.");
    }

    @Test
    void aReplyForAnotherGatewayIsIgnored() {
        String requestId = requestId();
        AgentCommand command = claim(requestId);
        AgentReply forSomeoneElse = AgentReply.error(command, ErrorCode.ALREADY_CLAIMED, "not for this gateway");

        callState.reply(new AgentReply(forSomeoneElse.tenantId(), forSomeoneElse.agentId(),
                new AgentCommand.ReplyTo("gw-other", command.replyTo().connectionId()), command.commandId(),
                requestId, forSomeoneElse.code(), forSomeoneElse.message()));
        callState.reply(AgentReply.ack(command));

        assertThat(doug.nextJson().path("type").asText()).isEqualTo("ack");
    }

    @Test
    void aStatusCommandCarriesTheStatus() {
        String requestId = requestId();
        doug.send("{\"type\":\"status\",\"status\":\"away\",\"requestId\":\"" + requestId + "\"}");

        AgentCommand command = CallStateDouble.command(
                callState.awaitCommand(c -> requestId.equals(c.requestId())).value());

        assertThat(command.type()).isEqualTo(AgentCommand.Type.STATUS);
        assertThat(command.status()).isEqualTo(AgentStatus.AWAY);
        assertThat(command.callSid()).isNull();
        assertThat(command.agentId()).isEqualTo("doug");
    }

    @Test
    void onlyASupervisorsTokenSendsAColleaguesStatusOrSignOutOnAndItNamesTheColleague() {
        String refused = requestId();
        doug.send("{\"type\":\"sign_out\",\"agentId\":\"rhonda\",\"requestId\":\"" + refused + "\"}");
        JsonNode error = doug.nextJson();
        assertThat(error.path("code").asText()).isEqualTo("forbidden");
        assertThat(error.path("requestId").asText()).isEqualTo(refused);

        try (AgentClient supervisor = AgentClient.withQueryToken(base, Tokens.supervisor("acme", "doug"))) {
            supervisor.nextSnapshotSeq();
            String requestId = requestId();
            supervisor.send("{\"type\":\"agent_status\",\"agentId\":\"rhonda\",\"status\":\"away\",\"requestId\":\""
                    + requestId + "\"}");
            AgentCommand command = CallStateDouble.command(
                    callState.awaitCommand(c -> requestId.equals(c.requestId())).value());
            assertThat(command.type()).isEqualTo(AgentCommand.Type.AGENT_STATUS);
            assertThat(command.agentId()).isEqualTo("doug");
            assertThat(command.to()).isEqualTo("rhonda");
            assertThat(command.status()).isEqualTo(AgentStatus.AWAY);
        }
        // The refused one was never sent on: the gateway publishes its commands in order.
        assertThat(callState.commands(c -> refused.equals(c.requestId()))).isEmpty();
    }

    @Test
    void aProbeIsAckedThenComesBackToItsOwnConnectionOutsideTheTenantsStream() throws Exception {
        String requestId = requestId();
        doug.send("{\"type\":\"probe\",\"requestId\":\"" + requestId + "\"}");
        AgentCommand command = CallStateDouble.command(
                callState.awaitCommand(c -> requestId.equals(c.requestId())).value());
        assertThat(command.type()).isEqualTo(AgentCommand.Type.PROBE);
        assertThat(command.tenantId()).isEqualTo("acme");
        assertThat(command.callSid()).isNull();

        callState.reply(AgentReply.ack(command));
        assertThat(doug.next()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"" + requestId + "\"}");

        // What call-state's relay puts on the state-changes topic: first another connection's probe, then doug's.
        Probe back = Probe.storedFor(command, Instant.now());
        Probe someoneElses = new Probe(back.type(), back.tenantId(), back.gatewayId(), "c-someone-else", "r-other",
                back.sentAt(), back.storedAt());
        callState.publishChange("acme", Json.MAPPER.writeValueAsString(someoneElses));
        String frame = Json.MAPPER.writeValueAsString(back);
        callState.publishChange("acme", frame);
        assertThat(doug.next()).isEqualTo(frame);

        // No seq was taken: the tenant's next change follows the snapshot's seq without a resync.
        String change = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);
        assertThat(doug.next()).isEqualTo(change);
    }

    @Test
    void aVoicemailsTakeAndDoneBecomeCommandsNamingItAndTheirRepliesReachTheClient() {
        String voicemail = "RE0123456789abcdef0123456789abcdef";
        String take = requestId();
        doug.send("{\"type\":\"take_voicemail\",\"voicemailId\":\"" + voicemail + "\",\"requestId\":\"" + take
                + "\"}");
        AgentCommand taken = CallStateDouble.command(callState.awaitCommand(c -> take.equals(c.requestId())).value());
        assertThat(taken.type()).isEqualTo(AgentCommand.Type.TAKE_VOICEMAIL);
        assertThat(taken.voicemailId()).isEqualTo(voicemail);
        assertThat(taken.callSid()).isNull();
        assertThat(taken.tenantId()).isEqualTo("acme");
        assertThat(taken.agentId()).isEqualTo("doug");
        callState.reply(AgentReply.error(taken, ErrorCode.ALREADY_TAKEN, "Rhonda took this voicemail first."));
        JsonNode refused = doug.nextJson();
        assertThat(refused.path("requestId").asText()).isEqualTo(take);
        assertThat(refused.path("code").asText()).isEqualTo("already_taken");

        String done = requestId();
        doug.send("{\"type\":\"voicemail_done\",\"voicemailId\":\"" + voicemail + "\",\"requestId\":\"" + done
                + "\"}");
        AgentCommand handled = CallStateDouble.command(callState.awaitCommand(c -> done.equals(c.requestId())).value());
        assertThat(handled.type()).isEqualTo(AgentCommand.Type.VOICEMAIL_DONE);
        assertThat(handled.voicemailId()).isEqualTo(voicemail);
        callState.reply(AgentReply.ack(handled));
        assertThat(doug.next()).isEqualTo("{\"type\":\"ack\",\"requestId\":\"" + done + "\"}");
    }

    @Test
    void badFramesGetBadRequestAndTheSocketStaysUsable() {
        assertBadRequest("claim CA1 please", null);
        assertBadRequest("{\"type\":\"dance\",\"requestId\":\"r-dance\"}", "r-dance");
        assertBadRequest("{\"type\":\"claim\",\"requestId\":\"r-nocall\"}", "r-nocall");
        assertBadRequest("{\"type\":\"park\",\"callSid\":\"CA1\"}", null);
        assertBadRequest("{\"type\":\"status\",\"status\":\"busy\",\"requestId\":\"r-busy\"}", "r-busy");
        assertBadRequest("{\"type\":\"resume\"}", null);
        assertBadRequest("{\"type\":\"take_voicemail\",\"voicemailId\":\"../../etc\",\"requestId\":\"r-vm\"}",
                "r-vm");

        String requestId = requestId();
        AgentCommand command = claim(requestId);
        callState.reply(AgentReply.ack(command));
        assertThat(doug.nextJson().path("requestId").asText()).isEqualTo(requestId);
    }

    @Test
    void noReplyInTimeGetsTimeout() {
        String requestId = requestId();
        Instant sent = Instant.now();
        claim(requestId);

        JsonNode error = doug.nextJson();

        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("requestId").asText()).isEqualTo(requestId);
        assertThat(error.path("code").asText()).isEqualTo("timeout");
        assertThat(error.path("message").asText()).contains("will arrive as a change");
        assertThat(Duration.between(sent, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void commandsAreCountedByTypeAndOutcome() {
        AgentCommand command = claim(requestId());
        callState.reply(AgentReply.ack(command));
        doug.next();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("switchboard_gateway_commands_total\\{[^}]*outcome=\"ack\"[^}]*type=\"claim\"");
        assertThat(metrics).contains("switchboard_gateway_connections", "switchboard_gateway_frames_sent_total");
    }

    private void assertBadRequest(String frame, String requestId) {
        doug.send(frame);
        JsonNode error = doug.nextJson();
        assertThat(error.path("type").asText()).as("answer to %s", frame).isEqualTo("error");
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(error.path("message").asText()).isNotBlank();
        if (requestId == null) {
            assertThat(error.has("requestId")).isTrue();
            assertThat(error.path("requestId").isNull()).isTrue();
        } else {
            assertThat(error.path("requestId").asText()).isEqualTo(requestId);
        }
    }

    @Test
    void aFloodOfFramesIsAnsweredRateLimitedAtOnceAndTheConnectionLivesOn() {
        // A script sends 60 frames at once: the first burst (20) goes on to call-state, the rest are refused unsent.
        for (int i = 0; i < 60; i++) {
            doug.send("{\"type\":\"status\",\"status\":\"away\",\"requestId\":\"flood-" + i + "\"}");
        }
        int limited = 0;
        Instant until = Instant.now().plusSeconds(10);
        while (limited < 35 && Instant.now().isBefore(until)) {
            JsonNode frame = doug.nextJson();
            if ("error".equals(frame.path("type").asText())
                    && ErrorCode.RATE_LIMITED.wire().equals(frame.path("code").asText())) {
                assertThat(frame.path("requestId").asText()).startsWith("flood-");
                limited++;
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(35);

        // A moment later the same connection is heard again, and its command reaches call-state.
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        claim(requestId());
    }

    @Test
    void aHugeFrameClosesThatConnectionWith1009AndOthersCarryOn() {
        doug.send("{\"type\":\"status\",\"requestId\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(doug.awaitClose(AgentClient.WAIT).code()).isEqualTo(1009);
        doug = null;

        try (AgentClient rhonda = AgentClient.withQueryToken(base, Tokens.agent("acme", "rhonda"))) {
            assertThat(rhonda.nextSnapshotSeq()).isPositive();
        }
    }
}
