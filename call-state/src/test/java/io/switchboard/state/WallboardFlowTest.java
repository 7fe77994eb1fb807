package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.Json;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.Topics;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.contract.Wallboard;
import io.switchboard.stack.KafkaProbe;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.state.wallboard.Wallboards;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wallboard's figures against real Kafka and Postgres: computed after a tenant's changes, stored with the seq they
 * take and published as the tenant's next change, under the tenant's lock. Each test has a tenant of its own.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class WallboardFlowTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String CALLER = "+15551230000";
    static KafkaProbe kafka;

    @Inject
    Wallboards wallboards;

    String tenant;

    @BeforeAll
    static void tapKafka() {
        kafka = KafkaProbe.of(SwitchboardTestResource.kafka().bootstrapServers(), Topics.STATE_CHANGES);
    }

    @AfterAll
    static void closeKafka() {
        kafka.close();
    }

    /** Ann and Bob online and available, Cy online but away, Dee offline. */
    @BeforeEach
    void tenantOfItsOwn() {
        tenant = "wb" + UUID.randomUUID().toString().substring(0, 8);
        SwitchboardTestResource.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('%1$s', 'Wallboard');
                INSERT INTO voip_users (tenant_id, id, name, presence, status) VALUES
                    ('%1$s', 'ann', 'Ann', 'online', 'available'), ('%1$s', 'bob', 'Bob', 'online', 'available'),
                    ('%1$s', 'cy', 'Cy', 'online', 'away'), ('%1$s', 'dee', 'Dee', 'offline', 'available');
                """.formatted(tenant));
    }

    @Test
    void aRingingCallThenAbandonedShowsOnTheWallboardAsTheTenantsNextChange() throws Exception {
        String call = "CA" + UUID.randomUUID().toString().replace("-", "");
        Instant rang = Instant.now();
        publish(new TwilioEvent.CallIncoming("incoming:" + call, tenant, call, CALLER, "+15005550099", rang));
        JsonNode ringing = change(v -> "call".equals(v.get("type").asText())
                && "RINGING".equals(v.at("/call/state").asText()));

        JsonNode waiting = change(v -> "wallboard".equals(v.get("type").asText())
                && v.at("/wallboard/callsWaiting").asInt() == 1);
        // Nothing else of the tenant happened in between: the figures took the seq after the call's.
        assertThat(waiting.get("seq").asLong()).isEqualTo(ringing.get("seq").asLong() + 1);
        Wallboard figures = Json.MAPPER.treeToValue(waiting.get("wallboard"), Wallboard.class);
        assertThat(figures.longestWaitingSince()).isEqualTo(rang.truncatedTo(ChronoUnit.MILLIS));
        assertThat(figures.answered()).isZero();
        assertThat(figures.serviceLevel()).isNull();
        assertThat(figures.serviceLevelSeconds()).isEqualTo(20);
        assertThat(figures.agents()).extracting(Wallboard.AgentFigures::agentId)
                .containsExactly("ann", "bob", "cy", "dee");
        assertStored(waiting);
        // It rang for the agents online and available as it began to ring.
        assertThat(queryOne("SELECT array_to_string(offered, ',') FROM call_steps WHERE tenant_id = '" + tenant
                + "' AND call_sid = '" + call + "' AND step = 'rang'")).isEqualTo("ann,bob");

        // The caller hangs up while it rings: abandoned, and missed by both agents it rang for.
        publish(new TwilioEvent.CallStatusChanged("status:" + call + ":9", tenant, call, call,
                TwilioCallStatus.COMPLETED, 9, Instant.now(), "inbound", CALLER, "+15005550099", null,
                Instant.now()));
        JsonNode abandoned = change(v -> "wallboard".equals(v.get("type").asText())
                && v.at("/wallboard/abandoned").asInt() == 1);
        Wallboard after = Json.MAPPER.treeToValue(abandoned.get("wallboard"), Wallboard.class);
        assertThat(after.callsWaiting()).isZero();
        assertThat(after.longestWaitingSince()).isNull();
        assertThat(after.serviceLevel()).isEqualTo(0.0);
        assertThat(after.averageAnswerSeconds()).isNull();
        assertThat(after.agents()).extracting(Wallboard.AgentFigures::missed).containsExactly(1, 1, 0, 0);
        assertThat(after.agents()).extracting(Wallboard.AgentFigures::handled).containsExactly(0, 0, 0, 0);
        assertStored(abandoned);
    }

    @Test
    void figuresAreComputedUnderTheTenantsLockAndTakeTheSeqAfterWhatItsHolderCommitted() throws Exception {
        assertThat(wallboards.compute(tenant)).isPresent();
        long seq;
        CompletableFuture<Optional<StateChange.WallboardChanged>> computed;
        try (Connection holder = SwitchboardTestResource.postgres().connect()) {
            holder.setAutoCommit(false);
            ResultSet locked = holder.createStatement().executeQuery(
                    "SELECT seq FROM tenants WHERE id = '" + tenant + "' FOR UPDATE");
            locked.next();
            seq = locked.getLong(1) + 1;
            // What a decision holding the lock would commit: Ann steps away, and the tenant's seq moves on.
            holder.createStatement().executeUpdate("UPDATE voip_users SET status = 'away' WHERE tenant_id = '"
                    + tenant + "' AND id = 'ann'");
            holder.createStatement().executeUpdate("UPDATE tenants SET seq = " + seq + " WHERE id = '" + tenant
                    + "'");
            computed = CompletableFuture.supplyAsync(() -> {
                try {
                    return wallboards.compute(tenant);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(computed).as("waits for the lock").isNotDone();
            holder.commit();
        }
        StateChange.WallboardChanged change = computed.get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        assertThat(change.seq()).isEqualTo(seq + 1);
        assertThat(change.wallboard().agents().get(0).status().wire()).isEqualTo("away");
        assertThat(queryOne("SELECT seq FROM wallboards WHERE tenant_id = '" + tenant + "'"))
                .isEqualTo(Long.toString(seq + 1));
        assertThat(queryOne("SELECT seq FROM tenants WHERE id = '" + tenant + "'")).isEqualTo(Long.toString(seq + 1));
    }

    @Test
    void figuresThatDifferOnlyByTheirTimeAreNotPublishedAgain() throws Exception {
        StateChange.WallboardChanged first = wallboards.compute(tenant).orElseThrow();
        assertThat(wallboards.compute(tenant)).isEmpty();
        assertThat(queryOne("SELECT seq FROM tenants WHERE id = '" + tenant + "'"))
                .isEqualTo(Long.toString(first.seq()));
    }

    @Test
    void anAgentsStatusSinceMovesOnlyWhenTheStatusOrPresenceChanges() throws Exception {
        SwitchboardTestResource.postgres().execute("UPDATE voip_users SET status_since = '2020-01-01T00:00:00Z'"
                + " WHERE tenant_id = '" + tenant + "'");
        publishStatus("ann", "away");
        await().atMost(WAIT).until(() -> "away".equals(queryOne("SELECT status FROM voip_users WHERE tenant_id = '"
                + tenant + "' AND id = 'ann'")));
        assertThat(Instant.parse(queryOne("SELECT to_json(status_since)#>>'{}' FROM voip_users WHERE tenant_id = '"
                + tenant + "' AND id = 'ann'"))).isAfter(Instant.now().minusSeconds(60));
        assertThat(queryOne("SELECT to_json(status_since)#>>'{}' FROM voip_users WHERE tenant_id = '" + tenant
                + "' AND id = 'bob'")).startsWith("2020-01-01");
    }

    private void publishStatus(String agent, String status) {
        String id = UUID.randomUUID().toString();
        kafka.send(Topics.AGENT_COMMANDS, tenant, CallFlowTest.write(new io.switchboard.contract.AgentCommand(id,
                tenant, agent, io.switchboard.contract.AgentCommand.Type.STATUS, null,
                io.switchboard.contract.AgentStatus.fromWire(status), "r-" + id,
                new io.switchboard.contract.AgentCommand.ReplyTo("gw-test", "c-" + agent), Instant.now())));
    }

    private void assertStored(JsonNode change) throws Exception {
        try (Connection c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT seq, figures::text FROM wallboards WHERE tenant_id = '" + tenant + "'");
            assertThat(rs.next()).isTrue();
            if (rs.getLong(1) == change.get("seq").asLong()) {
                assertThat(Json.MAPPER.readValue(rs.getString(2), Wallboard.class))
                        .isEqualTo(Json.MAPPER.treeToValue(change.get("wallboard"), Wallboard.class));
            } else {
                // A later one was stored already: it is the tenant's latest.
                assertThat(rs.getLong(1)).isGreaterThan(change.get("seq").asLong());
            }
        }
    }

    private JsonNode change(java.util.function.Predicate<JsonNode> match) {
        return CallFlowTest.read(kafka.awaitOne(Topics.STATE_CHANGES, v -> {
            JsonNode change = CallFlowTest.read(v);
            return tenant.equals(change.path("tenantId").asText()) && match.test(change);
        }, WAIT));
    }

    private void publish(TwilioEvent event) {
        kafka.send(Topics.TWILIO_EVENTS, event.tenantId(), CallFlowTest.write(event));
    }

    private static String queryOne(String sql) throws Exception {
        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(sql);
            return rs.next() ? rs.getString(1) : null;
        }
    }

}
