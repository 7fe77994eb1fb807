package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.PresenceReport;
import io.switchboard.contract.Topics;
import io.switchboard.stack.KafkaProbe;
import io.switchboard.stack.SwitchboardTestResource;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence and availability as call-state owns them, against real Kafka and Postgres: gateways' connection
 * reports bring agents online, the offline grace and the gateway TTL take them offline, and {@code status}
 * commands set them away and back. The test plays the gateways (test profile: grace 1 s, TTL 3 s).
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class PresenceFlowTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static KafkaProbe kafka;

    @BeforeAll
    static void tapKafka() {
        kafka = KafkaProbe.of(SwitchboardTestResource.kafka().bootstrapServers(), Topics.STATE_CHANGES,
                Topics.AGENT_REPLIES);
    }

    @AfterAll
    static void closeKafka() {
        kafka.close();
    }

    @BeforeEach
    void seed() throws Exception {
        SwitchboardTestResource.postgres().seed();
    }

    @Test
    void twoTabsAreOneAgentOnlineUntilBothCloseAndTheGraceIsOver() throws Exception {
        String gw = "gw-" + UUID.randomUUID();
        String agent = "doug";
        report(new PresenceReport.Connected("acme", gw, agent, "tab-1", Instant.now()));
        report(new PresenceReport.Connected("acme", gw, agent, "tab-2", Instant.now()));
        await().atMost(WAIT).until(() -> presence(agent).equals("online"));

        report(new PresenceReport.Disconnected("acme", gw, agent, "tab-1", Instant.now()));
        report(new PresenceReport.Disconnected("acme", gw, agent, "tab-2", Instant.now()));
        // Still online during the grace: a reload is not a departure.
        await().atMost(WAIT).until(() -> offlineAt(agent) != null);
        assertThat(presence(agent)).isEqualTo("online");
        await().atMost(WAIT).until(() -> presence(agent).equals("offline"));
        // The change follows the commit through the outbox: screens learn it a moment after the database.
        await().atMost(WAIT).until(() -> lastAgentChange(agent).at("/agent/presence").asText().equals("offline"));
    }

    @Test
    void aGatewayThatStopsReportingTakesItsAgentsOfflineAfterTheTtl() throws Exception {
        String dead = "gw-dead-" + UUID.randomUUID();
        String alive = "gw-alive-" + UUID.randomUUID();
        report(new PresenceReport.Connected("acme", dead, "doug", "c1", Instant.now()));
        report(new PresenceReport.Connected("acme", alive, "rhonda", "c2", Instant.now()));
        await().atMost(WAIT).until(() -> presence("doug").equals("online") && presence("rhonda").equals("online"));

        // Only the living gateway keeps sending heartbeats.
        Instant until = Instant.now().plusSeconds(7);
        while (Instant.now().isBefore(until)) {
            report(new PresenceReport.Heartbeat("acme", alive, Map.of("rhonda", List.of("c2")), Instant.now()));
            Thread.sleep(500); // the heartbeat interval, shortened
        }
        assertThat(presence("doug")).isEqualTo("offline");
        assertThat(presence("rhonda")).isEqualTo("online");
    }

    @Test
    void aHeartbeatHealsALostDisconnect() throws Exception {
        String gw = "gw-" + UUID.randomUUID();
        report(new PresenceReport.Connected("acme", gw, "rhonda", "c1", Instant.now()));
        await().atMost(WAIT).until(() -> presence("rhonda").equals("online"));
        report(new PresenceReport.Heartbeat("acme", gw, Map.of(), Instant.now()));
        await().atMost(WAIT).until(() -> presence("rhonda").equals("offline"));
    }

    @Test
    void aConnectionOfAnAgentTheTenantDoesNotHaveIsIgnored() throws Exception {
        String gw = "gw-" + UUID.randomUUID();
        report(new PresenceReport.Connected("acme", gw, "nobody", "c1", Instant.now()));
        report(new PresenceReport.Connected("acme", gw, "doug", "c2", Instant.now()));
        await().atMost(WAIT).until(() -> presence("doug").equals("online")); // the record after it was applied
        report(new PresenceReport.Disconnected("acme", gw, "doug", "c2", Instant.now()));
    }

    @Test
    void anAgentGoesAwayAndBack() throws Exception {
        JsonNode away = reply(status("doug", AgentStatus.AWAY));
        assertThat(away.get("code").isNull()).as("reply %s", away).isTrue();
        await().atMost(WAIT).until(() -> status("doug").equals("away"));
        JsonNode wrong = reply(status("doug", AgentStatus.BUSY));
        assertThat(wrong.get("code").asText()).isEqualTo("bad_request");
        assertThat(reply(status("doug", AgentStatus.AVAILABLE)).get("code").isNull()).isTrue();
        await().atMost(WAIT).until(() -> status("doug").equals("available"));
    }

    private static void report(PresenceReport report) {
        kafka.send(Topics.PRESENCE, report.tenantId(), CallFlowTest.write(report));
    }

    private static String status(String agent, AgentStatus status) {
        String id = UUID.randomUUID().toString();
        kafka.send(Topics.AGENT_COMMANDS, "acme", CallFlowTest.write(new AgentCommand(id, "acme", agent,
                AgentCommand.Type.STATUS, null, status, "r-" + id, new AgentCommand.ReplyTo("gw-test", "c"),
                Instant.now())));
        return id;
    }

    private static JsonNode reply(String commandId) {
        return CallFlowTest.read(kafka.awaitOne(Topics.AGENT_REPLIES, v -> v.contains(commandId), WAIT));
    }

    private static JsonNode lastAgentChange(String agent) {
        List<String> changes = kafka.values(Topics.STATE_CHANGES,
                v -> v.contains("\"type\":\"agent\"") && v.contains("\"id\":\"" + agent + "\""));
        return CallFlowTest.read(changes.get(changes.size() - 1));
    }

    private static String presence(String agent) throws Exception {
        return queryOne("SELECT presence FROM voip_users WHERE tenant_id = 'acme' AND id = '" + agent + "'");
    }

    private static String status(String agent) throws Exception {
        return queryOne("SELECT status FROM voip_users WHERE tenant_id = 'acme' AND id = '" + agent + "'");
    }

    private static String offlineAt(String agent) throws Exception {
        return queryOne("SELECT offline_at FROM voip_users WHERE tenant_id = 'acme' AND id = '" + agent + "'");
    }

    private static String queryOne(String sql) throws Exception {
        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(sql);
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
