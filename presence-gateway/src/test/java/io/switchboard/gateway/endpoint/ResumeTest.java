package io.switchboard.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resume after a disconnect (the test profile keeps 150 changes per tenant): exactly the missed changes from the
 * buffer, or a resync snapshot equal to the database when the buffer cannot cover them.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ResumeTest {
    /** Its own tenant: no other test's changes or connections interleave with what these tests count. */
    private static final String TENANT = "initech";

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        callState = Gateway.readyFor(TENANT, "peter", "milton");
    }

    @AfterEach
    void close() {
        callState.close();
    }

    private AgentClient connect(String query) {
        String token = Tokens.agent(TENANT, "peter");
        return query == null ? AgentClient.withQueryToken(base, token) : AgentClient.withQueryToken(base, token, query);
    }

    /** Peter's screen opens, takes its snapshot and closes: the seq he will resume from. */
    private long seqPeterLeavesAt() {
        try (AgentClient peter = connect(null)) {
            return peter.nextSnapshotSeq();
        }
    }

    /** Publishes {@code count} changes, as call-state would (seq committed first); returns the frames. */
    private List<String> publish(int count) {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(callState.nextAgentChange(TENANT, "milton", "Milton " + i,
                    i % 2 == 0 ? AgentStatus.AWAY : AgentStatus.AVAILABLE));
        }
        return frames;
    }

    /** Connected while the changes are published, so they are in this gateway's buffer for the tenant. */
    private List<String> publishWhileWatched(int count) {
        try (AgentClient watcher = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "milton"))) {
            watcher.nextSnapshotSeq();
            List<String> frames = publish(count);
            for (String frame : frames) {
                assertThat(watcher.next()).isEqualTo(frame);
            }
            return frames;
        }
    }

    private static List<String> next(AgentClient client, int count) {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(client.next());
        }
        return frames;
    }

    @Test
    void reconnectingWithSinceGetsExactlyTheMissedChangesInOrderThenLiveOnes() {
        long last = seqPeterLeavesAt();
        double replays = Gateway.metric("switchboard_gateway_replays_total");
        List<String> missed = publishWhileWatched(100);

        try (AgentClient peter = connect("since=" + last)) {
            assertThat(next(peter, 100)).as("no snapshot, no duplicate, no gap").containsExactlyElementsOf(missed);
            String live = publish(1).get(0);
            assertThat(peter.next()).isEqualTo(live);
            assertThat(peter.drain()).isEmpty();
        }
        assertThat(Gateway.metric("switchboard_gateway_replays_total")).isGreaterThan(replays);
    }

    @Test
    void aResumeFrameGetsExactlyTheMissedChangesInOrderThenLiveOnes() {
        long last = seqPeterLeavesAt();
        List<String> missed = publishWhileWatched(100);

        try (AgentClient peter = connect(null)) {
            // Without ?since= the first frame is the snapshot; the resume then rewinds to the client's own seq.
            assertThat(peter.nextSnapshotSeq()).isEqualTo(last + 100);
            peter.send("{\"type\":\"resume\",\"seq\":" + last + "}");

            assertThat(next(peter, 100)).containsExactlyElementsOf(missed);
            String live = publish(1).get(0);
            assertThat(peter.next()).isEqualTo(live);
            assertThat(peter.drain()).isEmpty();
        }
    }

    @Test
    void aGapBeyondTheBufferGetsAResyncSnapshotEqualToTheDatabase() {
        long last = seqPeterLeavesAt();
        publishWhileWatched(200);
        CallStateDouble.sql("""
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, started_at)
                VALUES ('CA-initech-1', 'initech', '+15551110000', '+15005550007', 'RINGING', '2026-11-21T14:03:07Z')
                ON CONFLICT DO NOTHING;
                UPDATE voip_users SET presence = 'online', status = 'away' WHERE tenant_id = 'initech' AND id = 'milton';
                """);
        double resyncs = Gateway.metric("switchboard_gateway_resyncs_total", "cause=\"resume\"");
        try (AgentClient peter = connect("since=" + last)) {
            JsonNode snapshot = peter.nextJson();

            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("resync").asBoolean()).isTrue();
            assertThat(snapshot.path("seq").asLong()).isEqualTo(CallStateDouble.seq(TENANT));
            assertThat(agents(snapshot)).isEqualTo(databaseAgents());
            assertThat(snapshot.path("calls")).extracting(c -> c.path("callSid").asText() + " "
                    + c.path("state").asText() + " " + c.path("from").asText())
                    .containsExactly("CA-initech-1 RINGING +15551110000");

            String live = publish(1).get(0);
            assertThat(peter.next()).isEqualTo(live);
        } finally {
            CallStateDouble.sql("""
                    DELETE FROM active_calls WHERE call_sid = 'CA-initech-1';
                    UPDATE voip_users SET presence = 'offline', status = 'available' WHERE tenant_id = 'initech';
                    """);
        }
        assertThat(Gateway.metric("switchboard_gateway_resyncs_total", "cause=\"resume\"")).isGreaterThan(resyncs);
    }

    @Test
    void aClientAheadOfThisGatewaysStreamGetsNoStaleChanges() {
        long last = seqPeterLeavesAt();
        publishWhileWatched(2);
        // Committed, the first three already seen by the client on a faster gateway, none yet published to this one.
        long committed = CallStateDouble.advance(TENANT, 4);
        long clientHas = last + 5;
        assertThat(committed).isEqualTo(last + 6);

        try (AgentClient peter = connect("since=" + clientHas)) {
            List<String> late = new ArrayList<>();
            for (long seq = last + 3; seq <= committed; seq++) {
                String frame = CallStateDouble.agentChange(TENANT, seq, "milton", "Milton late " + seq,
                        AgentStatus.AWAY);
                late.add(frame);
                callState.publishChange(TENANT, frame);
            }
            String next = publish(1).get(0);

            assertThat(peter.next()).as("the first change after the client's seq").isEqualTo(late.get(late.size() - 1));
            assertThat(peter.next()).isEqualTo(next);
            assertThat(peter.drain()).isEmpty();
        }
    }

    @Test
    void aSeqTheDatabaseNeverReachedGetsAResync() {
        long now = CallStateDouble.seq(TENANT);
        try (AgentClient peter = connect("since=" + (now + 50))) {
            JsonNode snapshot = peter.nextJson();
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("resync").asBoolean()).isTrue();
            assertThat(snapshot.path("seq").asLong()).isEqualTo(now);
        }
    }

    @Test
    void aClientAtTheDatabasesSeqContinuesWithoutASnapshot() {
        long now = CallStateDouble.seq(TENANT);
        try (AgentClient peter = connect("since=" + now)) {
            String next = publish(1).get(0);
            assertThat(peter.next()).isEqualTo(next);
        }
    }

    @Test
    void aBadSinceGetsAnErrorThenAResyncSnapshot() {
        try (AgentClient peter = connect("since=yesterday")) {
            JsonNode error = peter.nextJson();
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
            assertThat(error.path("message").asText()).contains("?since=");

            JsonNode snapshot = peter.nextJson();
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("resync").asBoolean()).isTrue();
        }
    }

    @Test
    void theFirstSnapshotOfAConnectionIsNotAResync() {
        try (AgentClient peter = connect(null)) {
            JsonNode snapshot = peter.nextJson();
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.has("resync")).isTrue();
            assertThat(snapshot.path("resync").asBoolean()).isFalse();
        }
    }

    /** id → "name presence status" of every agent in the snapshot. */
    private static Map<String, String> agents(JsonNode snapshot) {
        Map<String, String> agents = new TreeMap<>();
        snapshot.path("agents").forEach(a -> agents.put(a.path("id").asText(), a.path("name").asText() + " "
                + a.path("presence").asText() + " " + a.path("status").asText()));
        return agents;
    }

    private static Map<String, String> databaseAgents() {
        Map<String, String> agents = new TreeMap<>();
        try (Connection c = SwitchboardTestResource.postgres().connect(); Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, name, presence, status FROM voip_users"
                        + " WHERE tenant_id = '" + TENANT + "' AND active")) {
            while (rows.next()) {
                agents.put(rows.getString("id"), rows.getString("name") + " " + rows.getString("presence") + " "
                        + rows.getString("status"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return agents;
    }
}
