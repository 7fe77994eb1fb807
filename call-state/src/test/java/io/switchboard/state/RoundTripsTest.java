package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.context.Context;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.PresenceReport;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.state.core.Decision;
import io.switchboard.state.core.Input;
import io.switchboard.state.persistence.ConnectionStore;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How often an input's transaction waits for PostgreSQL. A round trip is counted as pgjdbc counts it: a Sync message,
 * after which the driver flushes and reads until PostgreSQL is ready again; the driver's own log says when it sends
 * one (FINEST), and only the thread applying the input is counted.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class RoundTripsTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String CALLER = "+15551230000";
    /** More rounds than pgjdbc's prepareThreshold (5): the statements run server-prepared too. */
    static final int ROUNDS = 7;

    @Inject
    CallDesk desk;
    @Inject
    ConnectionStore connections;

    @BeforeEach
    void seed() throws Exception {
        SwitchboardTestResource.postgres().seed();
    }

    @Test
    void anInputTakesThreeRoundTripsAndOneMoreForATwilioAction() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String gw = "gw-" + UUID.randomUUID();
            // A tab opens: lock, the connection, the agent, the writes, commit.
            assertThat(trips(() -> desk.reviewAgents("acme", c -> connections.apply(c,
                    new PresenceReport.Connected("acme", gw, "doug", "tab", Instant.now()), Instant.now()), false,
                    Instant.now()))).as("connection report, round %d", round).isEqualTo(5);
            // Its gateway stopped reporting: lock, the dropped connections, the agent, the writes, commit.
            assertThat(trips(() -> desk.reviewAgents("acme", c -> connections.dropStale(c, "acme",
                    Instant.now().plusMillis(1)), true, Instant.now()))).as("stale gateway, round %d", round)
                    .isEqualTo(5);

            await().atMost(WAIT).until(() -> agent("doug").equals("available"));
            String call = sim().placeCall(CALLER, TwilioSimulatorResource.NUMBER);
            await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
            Input ring = new Input.RingIncoming(call, CALLER, TwilioSimulatorResource.NUMBER, Instant.now());
            // Open (lock, dedupe, load), the writes, commit.
            assertThat(trips(() -> desk.handle("acme", "incoming:" + call, ring, null))).as("ring, round %d", round)
                    .isEqualTo(3);
            // Open, and roll back: nothing changes.
            assertThat(trips(() -> assertThat(desk.handle("acme", "incoming:" + call, ring, null).duplicate())
                    .isTrue())).as("redelivered ring, round %d", round).isEqualTo(2);
            // The Twilio action is stored in a round trip of its own.
            assertThat(trips(() -> desk.handle("acme", "claim:" + call + ":doug",
                    new Input.Claim(call, "doug", Instant.now()), "doug"))).as("claim, round %d", round).isEqualTo(4);
            // A lost race writes nothing.
            assertThat(trips(() -> assertThat(desk.handle("acme", "claim:" + call + ":rhonda",
                    new Input.Claim(call, "rhonda", Instant.now()), "rhonda").decision().rejection().code())
                    .isEqualTo(ErrorCode.ALREADY_CLAIMED))).as("lost claim, round %d", round).isEqualTo(2);

            await().atMost(WAIT).until(() -> !sim().call(call).talkingWith().isEmpty());
            String leg = agentLeg(call);
            assertThat(trips(() -> desk.handle("acme", "status:" + leg + ":2", new Input.AgentLegStatus(call, leg,
                    "doug", TwilioCallStatus.IN_PROGRESS, Instant.now()), null))).as("agent answers, round %d", round)
                    .isEqualTo(3);
            sim().hangup(call);
            assertThat(trips(() -> desk.handle("acme", "status:" + call + ":completed", new Input.CallerLegStatus(call,
                    CALLER, TwilioSimulatorResource.NUMBER, TwilioCallStatus.COMPLETED, Instant.now()), null)))
                    .as("caller hangs up, round %d", round).isEqualTo(3);
        }
    }

    /**
     * Inputs decided together, as a busy tenant's lane does: each sees what the ones before it stored, and each takes
     * one round trip (its reads go with the writes of the one before), the batch one or two more (its last writes, if
     * any, and the commit) and one per Twilio action.
     */
    @Test
    void inputsDecidedTogetherSeeEachOtherAndTakeARoundTripEach() throws Exception {
        String call = sim().placeCall(CALLER, TwilioSimulatorResource.NUMBER);
        await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
        List<CallDesk.Delivery> inputs = List.of(
                new CallDesk.Delivery("incoming:" + call, new Input.RingIncoming(call, CALLER,
                        TwilioSimulatorResource.NUMBER, Instant.now()), null, Context.current()),
                new CallDesk.Delivery("claim:" + call + ":doug", new Input.Claim(call, "doug", Instant.now()), "doug",
                        Context.current()),
                new CallDesk.Delivery("claim:" + call + ":rhonda", new Input.Claim(call, "rhonda", Instant.now()),
                        "rhonda", Context.current()));
        List<List<CallDesk.Outcome>> outcomes = new ArrayList<>();

        // An open each, Doug's Twilio action, the commit; Rhonda's claim, last and lost, leaves no writes to send.
        assertThat(trips(() -> outcomes.add(desk.handleAll("acme", inputs)))).isEqualTo(3 + 1 + 1);

        List<CallDesk.Outcome> decided = outcomes.get(0);
        assertThat(decided.get(0).decision().facts()).as("the ring").isNotEmpty();
        assertThat(decided.get(1).decision().actions()).as("Doug's claim, which rings his phone").hasSize(1);
        assertThat(decided.get(2).decision().rejection().code()).as("Rhonda's claim, after Doug's in the same batch")
                .isEqualTo(ErrorCode.ALREADY_CLAIMED);
        assertThat(trips(() -> assertThat(desk.handleAll("acme", inputs)).allMatch(CallDesk.Outcome::duplicate)))
                .as("the same records again: open each, roll back").isEqualTo(3 + 1);
        await().atMost(WAIT).until(() -> !sim().call(call).talkingWith().isEmpty());
        sim().hangup(call);
    }

    /**
     * The reads travel with the lock, in one round trip, yet see what the lock's holder committed while they waited:
     * each is a statement of its own, whose snapshot is taken after the lock was granted.
     */
    @Test
    void readsSentWithTheLockSeeWhatItsHolderCommitted() throws Exception {
        String call = sim().placeCall(CALLER, TwilioSimulatorResource.NUMBER);
        await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
        desk.handle("acme", "incoming:" + call, new Input.RingIncoming(call, CALLER, TwilioSimulatorResource.NUMBER,
                Instant.now()), null);
        try (Connection holder = SwitchboardTestResource.postgres().connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().executeQuery("SELECT seq FROM tenants WHERE id = 'acme' FOR UPDATE");
            var claim = CompletableFuture.supplyAsync(() -> {
                try {
                    return desk.handle("acme", "claim:" + call + ":doug", new Input.Claim(call, "doug", Instant.now()),
                            "doug");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(WAIT).until(() -> waitingForALock() > 0);
            // Meanwhile the caller hung up, and the lock's holder stored it as call-state does.
            holder.createStatement().executeUpdate("""
                    WITH ended AS (DELETE FROM active_calls WHERE call_sid = '%s' RETURNING *)
                    INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, started_at, ended_at,
                                              end_reason, outcome)
                    SELECT call_sid, tenant_id, from_number, to_number, started_at, now(), 'caller_hangup',
                           'abandoned'
                    FROM ended
                    """.formatted(call));
            holder.commit();
            Decision decision = claim.get().decision();
            assertThat(decision.rejection()).as("a claim of a call that ended while it waited: %s", decision)
                    .isNotNull();
            assertThat(decision.rejection().code()).isEqualTo(ErrorCode.CALL_NOT_FOUND);
        }
        sim().hangup(call);
    }

    /** The round trips {@code work} takes on this thread. */
    private static int trips(Work work) throws Exception {
        Thread self = Thread.currentThread();
        AtomicInteger syncs = new AtomicInteger();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (Thread.currentThread() == self && " FE=> Sync".equals(record.getMessage())) {
                    syncs.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger driver = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        Level level = driver.getLevel();
        boolean parents = driver.getUseParentHandlers();
        driver.setUseParentHandlers(false); // the driver's FINEST lines are counted, not logged
        driver.addHandler(counter);
        driver.setLevel(Level.FINEST);
        try {
            work.run();
        } finally {
            driver.setLevel(level);
            driver.removeHandler(counter);
            driver.setUseParentHandlers(parents);
        }
        return syncs.get();
    }

    private interface Work {
        void run() throws Exception;
    }

    private static long waitingForALock() throws Exception {
        try (Connection c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String agent(String id) throws Exception {
        try (Connection c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT status FROM voip_users WHERE tenant_id = 'acme' AND id = '" + id + "'");
            rs.next();
            return rs.getString(1);
        }
    }

    private static TwilioSimulator sim() {
        return TwilioSimulatorResource.simulator();
    }

    /** The leg Twilio placed to ring the agent into the call's conference. */
    private static String agentLeg(String call) {
        return sim().conference(call).participants().stream().filter(p -> p.device().startsWith("client:"))
                .reduce((earlier, later) -> later).orElseThrow().callSid();
    }
}
