package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.PresenceReport;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.RawAgentSocket;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pings and the connections that stop answering them (test profile: a ping a second, 5 s of silence allowed). */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DeadConnectionsTest {
    private static final String TENANT = "vandelay";

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        callState = Gateway.readyFor(TENANT, "art", "kel");
    }

    @AfterEach
    void close() {
        callState.close();
    }

    @Test
    void aConnectionThatAnswersNoPingsIsClosedWith4408AndReportedGoneWhileALiveOneStays() throws Exception {
        double before = Gateway.metric("switchboard_gateway_sessions_closed_total", "reason=\"no_pong\"");
        Instant opened = Instant.now();
        try (AgentClient kel = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "kel"));
                RawAgentSocket art = RawAgentSocket.connect(base, Tokens.agent(TENANT, "art"), 64 * 1024, false)) {
            kel.nextSnapshotSeq();
            JsonNode snapshot = Json.MAPPER.readTree(art.nextText(AgentClient.WAIT));
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            String artsConnection = ((PresenceReport.Connected) callState.awaitPresence(TENANT,
                    r -> r instanceof PresenceReport.Connected c && c.agentId().equals("art"), 1).get(0))
                    .connectionId();

            callState.awaitPresence(TENANT, r -> r instanceof PresenceReport.Disconnected d
                    && d.connectionId().equals(artsConnection), 1);
            assertThat(Duration.between(opened, Instant.now())).as("not before the pong timeout")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(5));

            RawAgentSocket.Message end = art.readToEnd(Duration.ofSeconds(20));
            assertThat(end.isClose()).as("ended with %s", end).isTrue();
            assertThat(end.closeCode()).isEqualTo(4408);
            assertThat(end.text()).contains("No answer to pings");

            // The browser-like client answered every ping: it is still here and still served.
            String next = callState.nextAgentChange(TENANT, "kel", "Kel", AgentStatus.AWAY);
            assertThat(kel.next()).isEqualTo(next);
            assertThat(kel.isClosedByServer()).isFalse();
        }
        await().atMost(AgentClient.WAIT).until(() -> Gateway.metric("switchboard_gateway_sessions_closed_total",
                "reason=\"no_pong\"") >= before + 1);
    }
}
