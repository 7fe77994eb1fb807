package io.switchboard.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.PresenceReport;
import io.switchboard.contract.PresenceReport.Connected;
import io.switchboard.contract.PresenceReport.Disconnected;
import io.switchboard.contract.PresenceReport.Heartbeat;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.util.function.Predicate;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the gateway tells call-state about its connections (test profile: a heartbeat every second). */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PresenceReportsTest {
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TestHTTPResource("/")
    URI base;

    @Inject
    GatewayConfig config;

    private CallStateDouble callState;
    /** A tenant of each test's own: only its connections appear in its reports, from the first one on. */
    private String tenant;

    @BeforeEach
    void ready() {
        tenant = "umbrella-" + TENANTS.incrementAndGet();
        callState = Gateway.readyFor(tenant, "ursula", "ulrich");
    }

    @AfterEach
    void close() {
        callState.close();
    }

    private AgentClient tab(String agent) {
        AgentClient client = AgentClient.withQueryToken(base, Tokens.agent(tenant, agent));
        client.nextSnapshotSeq();
        return client;
    }

    @Test
    void twoTabsOfOneAgentAreTwoConnectionsUntilBothClose() throws InterruptedException {
        Instant start = Instant.now().minusSeconds(1);
        int from = 0; // a fresh tenant: no report before this test
        AgentClient first = tab("ursula");
        AgentClient second = tab("ursula");

        List<PresenceReport> connected = awaitReports(from, r -> r instanceof Connected c && c.agentId().equals("ursula"),
                2);
        assertThat(connected).hasSize(2);
        Connected one = (Connected) connected.get(0);
        Connected two = (Connected) connected.get(1);
        assertThat(one.connectionId()).isNotBlank().isNotEqualTo(two.connectionId());
        assertThat(connected).allSatisfy(report -> {
            assertThat(report.gatewayId()).isEqualTo(config.gateway().id());
            assertThat(report.at()).isAfter(start).isBefore(Instant.now());
        });
        awaitHeartbeat(Map.of("ursula", sorted(one.connectionId(), two.connectionId())));

        first.close();
        awaitReports(from, r -> r instanceof Disconnected d && d.connectionId().equals(one.connectionId()), 1);
        awaitHeartbeat(Map.of("ursula", List.of(two.connectionId())));

        second.close();
        awaitReports(from, r -> r instanceof Disconnected d && d.connectionId().equals(two.connectionId()), 1);
        awaitReports(from, r -> r instanceof Heartbeat h && h.connections().isEmpty(), 1);
        // One final empty heartbeat, then the tenant is not reported any more.
        int reported = callState.presence(tenant).size();
        Thread.sleep(HEARTBEAT.multipliedBy(3).toMillis());
        assertThat(callState.presence(tenant)).hasSize(reported);

        List<PresenceReport> all = callState.presence(tenant);
        List<PresenceReport> reports = all.subList(from, all.size());
        assertThat(reports.stream().filter(r -> r instanceof Connected)).hasSize(2);
        assertThat(reports.stream().filter(r -> r instanceof Disconnected)).as("one disconnect per closed tab")
                .hasSize(2).allMatch(r -> ((Disconnected) r).agentId().equals("ursula"));
        assertThat(reports.get(reports.size() - 1)).isInstanceOf(Heartbeat.class);
        assertThat(((Heartbeat) reports.get(reports.size() - 1)).connections()).isEmpty();
        assertThat(callState.presenceRecords(tenant)).extracting(ConsumerRecord::key).containsOnly(tenant);
        assertEveryHeartbeatListsExactlyTheOpenConnections(all);
    }

    @Test
    void agentsAreListedApartAndAHeartbeatRepeatsWhileConnectionsStayOpen() {
        int from = 0; // a fresh tenant: no report before this test
        try (AgentClient ursula = tab("ursula"); AgentClient ulrich = tab("ulrich")) {
            String ursulaId = connectionOf(from, "ursula");
            String ulrichId = connectionOf(from, "ulrich");
            Map<String, List<String>> expected = Map.of("ursula", List.of(ursulaId), "ulrich", List.of(ulrichId));

            int before = heartbeatsListing(expected);
            callState.awaitPresence(tenant, r -> r instanceof Heartbeat h && h.connections().equals(expected),
                    before + 2);
        }
        assertEveryHeartbeatListsExactlyTheOpenConnections(callState.presence(tenant));
    }

    @Test
    void aRefusedUpgradeReportsNothing() throws InterruptedException {
        int before = 0; // a fresh tenant: no report before this test

        assertThat(AgentClient.refusedStatus(base, "", Tokens.agent(tenant, "ghost"))).isEqualTo(403);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.expired(tenant, "ursula"))).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", null)).isEqualTo(401);

        Thread.sleep(HEARTBEAT.multipliedBy(2).toMillis());
        assertThat(callState.presence(tenant).subList(before, callState.presence(tenant).size()))
                .noneMatch(r -> r instanceof Connected || r instanceof Disconnected);
    }

    private void awaitHeartbeat(Map<String, List<String>> connections) {
        callState.awaitPresence(tenant, r -> r instanceof Heartbeat h && h.connections().equals(connections), 1);
    }

    private int heartbeatsListing(Map<String, List<String>> connections) {
        awaitHeartbeat(connections);
        return (int) callState.presence(tenant).stream()
                .filter(r -> r instanceof Heartbeat h && h.connections().equals(connections)).count();
    }

    /** The connection id of the agent's one connection opened since report {@code from}. */
    private String connectionOf(int from, String agent) {
        return ((Connected) awaitReports(from, r -> r instanceof Connected c && c.agentId().equals(agent), 1).get(0))
                .connectionId();
    }

    /** Waits for {@code count} reports after the first {@code from} that match; returns them in order. */
    private List<PresenceReport> awaitReports(int from, Predicate<PresenceReport> matching, int count) {
        return await().atMost(AgentClient.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<PresenceReport> all = callState.presence(tenant);
            return all.subList(Math.min(from, all.size()), all.size()).stream().filter(matching).toList();
        }, found -> found.size() >= count);
    }

    /**
     * Replays the tenant's reports in order (connected adds, disconnected removes): every heartbeat must list exactly
     * what is open at its place in the stream. Holds because one tenant's reports are sent in the order things
     * happened, on one partition.
     */
    private static void assertEveryHeartbeatListsExactlyTheOpenConnections(List<PresenceReport> reports) {
        Map<String, Set<String>> open = new TreeMap<>();
        for (PresenceReport report : reports) {
            if (report instanceof Connected c) {
                open.computeIfAbsent(c.agentId(), a -> new HashSet<>()).add(c.connectionId());
            } else if (report instanceof Disconnected d) {
                open.getOrDefault(d.agentId(), new HashSet<>()).remove(d.connectionId());
                open.values().removeIf(Set::isEmpty);
            } else if (report instanceof Heartbeat h) {
                Map<String, Set<String>> listed = new TreeMap<>();
                h.connections().forEach((agent, ids) -> listed.put(agent, new HashSet<>(ids)));
                assertThat(listed).as("heartbeat at %s", h.at()).isEqualTo(open);
            }
        }
    }

    private static List<String> sorted(String... ids) {
        List<String> list = new ArrayList<>(List.of(ids));
        list.sort(null);
        return list;
    }
}
