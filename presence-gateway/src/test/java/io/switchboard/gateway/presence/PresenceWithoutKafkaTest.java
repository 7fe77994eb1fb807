package io.switchboard.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.switchboard.contract.AgentStatus;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Presence reports that Kafka never acknowledges: here the presence channel alone points at a port nobody listens
 * on, so every report fails while changes and commands flow as usual.
 */
@QuarkusTest
@TestProfile(PresenceWithoutKafkaTest.PresenceBrokerAway.class)
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PresenceWithoutKafkaTest {
    private static final String FAILED = "switchboard_gateway_presence_reports_total";

    public static class PresenceBrokerAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.outgoing.presence.bootstrap.servers", "localhost:1",
                    // Readiness would otherwise wait for this broker forever.
                    "mp.messaging.outgoing.presence.health-enabled", "false",
                    "quarkus.log.category.\"org.apache.kafka.clients.NetworkClient\".level", "ERROR");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aReportKafkaDoesNotTakeIsCountedAndTheAgentsConnectionCarriesOn() {
        Gateway.awaitReady();
        Gateway.seedTenant("stark", "tony");
        double failedBefore = Gateway.metric(FAILED, "type=\"connected\"", "outcome=\"failed\"");
        try (CallStateDouble callState = new CallStateDouble();
                AgentClient tony = AgentClient.withQueryToken(base, Tokens.agent("stark", "tony"))) {
            tony.nextSnapshotSeq();

            await().atMost(AgentClient.WAIT).until(() ->
                    Gateway.metric(FAILED, "type=\"connected\"", "outcome=\"failed\"") > failedBefore);
            await().atMost(AgentClient.WAIT).until(() ->
                    Gateway.metric(FAILED, "type=\"heartbeat\"", "outcome=\"failed\"") > 0);

            String change = callState.nextAgentChange("stark", "tony", "Tony", AgentStatus.AWAY);
            assertThat(tony.next()).isEqualTo(change);
            assertThat(tony.isClosedByServer()).isFalse();
        }
    }
}
