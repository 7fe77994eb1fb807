package io.switchboard.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.Presence;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.Wallboard;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wallboard reaches supervisors' screens only: they get its figures in the snapshot and in each {@code wallboard}
 * change, live and replayed on resume; every other screen gets the same seq without figures, and a snapshot without
 * them.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class WallboardFramesTest {
    private static final String TENANT = "umbrella";

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        callState = Gateway.readyFor(TENANT, "alice", "bert");
    }

    @AfterEach
    void close() {
        callState.close();
    }

    private static Wallboard figures(int waiting) {
        return new Wallboard(LocalDate.parse("2026-12-01"), Instant.parse("2026-12-01T10:00:00Z"), waiting,
                waiting == 0 ? null : Instant.parse("2026-12-01T09:59:30Z"), 4, 1, 0, 0.8, 20, 6.25,
                List.of(new Wallboard.AgentFigures("alice", "alice", Presence.ONLINE, AgentStatus.AVAILABLE,
                        Instant.parse("2026-12-01T09:00:00Z"), 4, 1, 300)));
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits figures as call-state does: the tenant's next seq, and the row snapshots read. */
    private static String commitFigures(Wallboard figures) {
        long seq = CallStateDouble.advance(TENANT, 1);
        String frame = write(new StateChange.WallboardChanged(TENANT, seq, figures));
        CallStateDouble.sql("INSERT INTO wallboards (tenant_id, seq, figures) VALUES ('" + TENANT + "', " + seq
                + ", '" + write(figures) + "') ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq,"
                + " figures = excluded.figures");
        return frame;
    }

    private static String withoutFigures(long seq) {
        return write(new StateChange.WallboardChanged(TENANT, seq, null));
    }

    @Test
    void aSupervisorsSnapshotCarriesTheLatestFiguresAndAnyOtherScreensNone() throws Exception {
        commitFigures(figures(2));
        try (AgentClient alice = AgentClient.withQueryToken(base, Tokens.supervisor(TENANT, "alice"));
                AgentClient bert = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "bert"))) {
            JsonNode supervisors = alice.nextJson();
            assertThat(supervisors.path("type").asText()).isEqualTo("snapshot");
            assertThat(Json.MAPPER.treeToValue(supervisors.get("wallboard"), Wallboard.class)).isEqualTo(figures(2));
            JsonNode others = bert.nextJson();
            assertThat(others.has("wallboard")).isTrue();
            assertThat(others.get("wallboard").isNull()).isTrue();
        }
    }

    @Test
    void aWallboardChangeReachesSupervisorsAsItIsAndOtherScreensAsItsSeqAlone() {
        try (AgentClient alice = AgentClient.withQueryToken(base, Tokens.supervisor(TENANT, "alice"));
                AgentClient bert = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "bert"))) {
            alice.nextSnapshotSeq();
            long bertAt = bert.nextSnapshotSeq();
            String frame = commitFigures(figures(1));
            callState.publishChange(TENANT, frame);
            String agent = callState.nextAgentChange(TENANT, "bert", "bert", AgentStatus.AWAY);

            assertThat(alice.next()).isEqualTo(frame);
            assertThat(alice.next()).isEqualTo(agent);
            assertThat(bert.next()).isEqualTo(withoutFigures(bertAt + 1));
            assertThat(bert.next()).as("the seq goes on without a gap").isEqualTo(agent);
        }
    }

    @Test
    void aResumeReplaysEachScreenTheFramesItWouldHaveHad() {
        long leftAt;
        try (AgentClient bert = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "bert"))) {
            leftAt = bert.nextSnapshotSeq();
        }
        String frame;
        // Someone watches while the change comes, so it is in this gateway's buffer for the tenant.
        try (AgentClient watcher = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "alice"))) {
            watcher.nextSnapshotSeq();
            frame = commitFigures(figures(3));
            callState.publishChange(TENANT, frame);
            watcher.next();
        }
        try (AgentClient bert = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "bert"), "since=" + leftAt);
                AgentClient alice = AgentClient.withQueryToken(base, Tokens.supervisor(TENANT, "alice"),
                        "since=" + leftAt)) {
            assertThat(bert.next()).isEqualTo(withoutFigures(leftAt + 1));
            assertThat(alice.next()).isEqualTo(frame);
        }
    }
}
