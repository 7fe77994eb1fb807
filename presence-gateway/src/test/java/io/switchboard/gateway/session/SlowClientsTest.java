package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.PresenceReport;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.RawAgentSocket;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading. A stalled client is a raw socket that simply does not read, with a small receive
 * buffer; changes of 200 KB fill the TCP buffers between it and the gateway within a few dozen, and then the
 * gateway's send queue (8 frames here) overflows.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.TightQueues.class)
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SlowClientsTest {
    private static final String TENANT = "dunder";
    private static final int BULKY = 200_000;
    private static final String OVERFLOWS = "switchboard_gateway_send_overflows_total";
    private static final String TOO_SLOW = "switchboard_gateway_sessions_closed_total";

    public static class TightQueues implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.gateway.max-queued-frames", "8",
                    "switchboard.slow-client.drain-timeout", "4s",
                    "switchboard.slow-client.max-resyncs", "1",
                    "switchboard.connection.close-timeout", "3s",
                    // The stalled clients answer no pings while they do not read; that is not what is tested here.
                    "switchboard.connection.pong-timeout", "120s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        callState = Gateway.readyFor(TENANT, "michael", "pam", "dwight");
    }

    @AfterEach
    void close() {
        callState.close();
    }

    private RawAgentSocket stalledClient(String agent) throws IOException {
        RawAgentSocket raw = RawAgentSocket.connect(base, Tokens.agent(TENANT, agent), 8 * 1024, true);
        JsonNode snapshot = json(raw.nextText(AgentClient.WAIT));
        assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
        return raw;
    }

    /** Publishes bulky changes until {@code done}; returns them. */
    private List<String> publishUntil(BooleanSupplier done) {
        List<String> published = new ArrayList<>();
        while (!done.getAsBoolean()) {
            // The size, not the list: a failure message listing 400 frames of 200 KB does not fit in the test's heap.
            assertThat(published.size()).as("the gateway never gave up on the stalled client").isLessThan(400);
            for (int i = 0; i < 5; i++) {
                long seq = CallStateDouble.advance(TENANT, 1);
                String frame = CallStateDouble.bulkyAgentChange(TENANT, seq, "dwight", BULKY);
                callState.publishChange(TENANT, frame);
                published.add(frame);
            }
        }
        return published;
    }

    @Test
    void aClientThatStopsReadingGetsAResyncOnceItDrainsAndTheOthersMissNothing() throws IOException {
        double overflows = Gateway.metric(OVERFLOWS);
        double resyncs = Gateway.metric("switchboard_gateway_resyncs_total", "cause=\"slow_client\"");
        try (AgentClient pam = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "pam"));
                RawAgentSocket michael = stalledClient("michael")) {
            pam.nextSnapshotSeq();

            List<String> published = publishUntil(() -> Gateway.metric(OVERFLOWS) > overflows);

            for (String frame : published) {
                assertThat(pam.next()).as("a reading client misses nothing").isEqualTo(frame);
            }
            long lastPublished = seq(json(published.get(published.size() - 1)));
            List<JsonNode> beforeSnapshot = new ArrayList<>();
            JsonNode snapshot = null;
            while (snapshot == null) {
                JsonNode frame = json(michael.nextText(AgentClient.WAIT));
                if ("snapshot".equals(frame.path("type").asText())) {
                    snapshot = frame;
                } else {
                    beforeSnapshot.add(frame);
                }
            }
            assertThat(snapshot.path("resync").asBoolean()).isTrue();
            assertContiguous(beforeSnapshot, firstSeq(published) - 1);
            long at = snapshot.path("seq").asLong();
            assertThat(at).as("the snapshot covers what was written before it")
                    .isGreaterThanOrEqualTo(beforeSnapshot.isEmpty() ? 0 : seq(beforeSnapshot.get(
                            beforeSnapshot.size() - 1)));
            List<JsonNode> afterSnapshot = new ArrayList<>();
            for (long seq = at + 1; seq <= lastPublished; seq++) {
                afterSnapshot.add(json(michael.nextText(AgentClient.WAIT)));
            }
            assertContiguous(afterSnapshot, at);

            String live = callState.nextAgentChange(TENANT, "pam", "Pam", AgentStatus.AWAY);
            assertThat(michael.nextText(AgentClient.WAIT)).isEqualTo(live);
            assertThat(pam.next()).isEqualTo(live);
        }
        assertThat(Gateway.metric("switchboard_gateway_resyncs_total", "cause=\"slow_client\""))
                .isGreaterThan(resyncs);
    }

    @Test
    void aClientThatKeepsFallingBehindIsClosedWith4429() throws IOException {
        double closedBefore = Gateway.metric(TOO_SLOW, "reason=\"too_slow\"");
        try (RawAgentSocket michael = stalledClient("michael")) {
            double overflows = Gateway.metric(OVERFLOWS);
            List<String> first = publishUntil(() -> Gateway.metric(OVERFLOWS) > overflows);
            long lastOfFirst = seq(json(first.get(first.size() - 1)));
            // It reads again until it has caught up through the resync snapshot...
            boolean resynced = false;
            long at = -1;
            while (at < lastOfFirst) {
                JsonNode frame = json(michael.nextText(AgentClient.WAIT));
                resynced |= frame.path("resync").asBoolean();
                at = seq(frame);
            }
            assertThat(resynced).isTrue();

            // ...and falls behind again: one resync is all this profile allows.
            publishUntil(() -> Gateway.metric(TOO_SLOW, "reason=\"too_slow\"") > closedBefore);

            RawAgentSocket.Message end = michael.readToEnd(Duration.ofSeconds(20));
            assertThat(end.isClose()).as("ended with %s", end).isTrue();
            assertThat(end.closeCode()).isEqualTo(4429);
            assertThat(end.text()).contains("did not keep up");
        }
    }

    @Test
    void aClientThatNeverDrainsIsClosedReportedGoneAndItsConnectionDropped() throws Exception {
        double closedBefore = Gateway.metric(TOO_SLOW, "reason=\"too_slow\"");
        int reportsBefore = callState.presence(TENANT).size();
        try (RawAgentSocket dwight = stalledClient("dwight")) {
            String connection = ((PresenceReport.Connected) callState.awaitPresence(TENANT,
                    r -> r instanceof PresenceReport.Connected c && c.agentId().equals("dwight"), 1)
                    .get(0)).connectionId();
            double overflows = Gateway.metric(OVERFLOWS);
            publishUntil(() -> Gateway.metric(OVERFLOWS) > overflows);

            // Not read for the drain timeout (4 s): the gateway closes it and reports the agent's connection gone.
            callState.awaitPresence(TENANT, r -> r instanceof PresenceReport.Disconnected d
                    && d.connectionId().equals(connection), 1);
            await().atMost(AgentClient.WAIT)
                    .until(() -> Gateway.metric(TOO_SLOW, "reason=\"too_slow\"") > closedBefore);
            assertThat(callState.presence(TENANT).subList(reportsBefore, callState.presence(TENANT).size()))
                    .filteredOn(r -> r instanceof PresenceReport.Disconnected d && d.connectionId().equals(connection))
                    .hasSize(1);

            // The close frame is stuck behind what the client never read: after the close timeout (3 s) the
            // gateway drops the TCP connection, and its buffers with it.
            Thread.sleep(4_000);
            RawAgentSocket.Message end = dwight.readToEnd(Duration.ofSeconds(10));
            assertThat(end.isClose()).as("dropped, not closed: %s", end).isFalse();
        }
    }

    private static void assertContiguous(List<JsonNode> changes, long after) {
        long expected = after + 1;
        for (JsonNode change : changes) {
            assertThat(seq(change)).as("no gap, no duplicate").isEqualTo(expected);
            expected++;
        }
    }

    private static long firstSeq(List<String> published) {
        return seq(json(published.get(0)));
    }

    private static long seq(JsonNode frame) {
        return frame.path("seq").asLong();
    }

    private static JsonNode json(String frame) {
        try {
            return Json.MAPPER.readTree(frame);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
