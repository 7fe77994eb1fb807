package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.stack.Stack;
import io.switchboard.stack.twilio.AnswerMode;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parking lot across the packaged services, real Kafka and Postgres, the Twilio simulator and two agents on
 * WebSockets: park into slot 701, a retrieve race, the park timeout ringing back the parker and then everyone,
 * the caller hanging up in the lot, a full lot, and a park timeout that passes while call-state is down.
 */
class ParkingLotTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final Duration PARK_TIMEOUT = Duration.ofSeconds(6);
    static final Duration PARKER_RING_TIME = Duration.ofSeconds(3);

    static Stack stack;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static int callers;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("parking-lot", o -> o
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PARKING_TIMEOUT", PARK_TIMEOUT.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PARKING_PARKER_RING_TIME",
                        PARKER_RING_TIME.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "0s"));
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda");
        doug = screens.get(0);
        rhonda = screens.get(1);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, stack);
    }

    @AfterEach
    void screensAgreeInOrder() {
        EndToEnd.screensAgree(WAIT, doug, rhonda);
    }

    @Test
    void dougParksEveryoneSeesSlot701AndOfTwoRetrievesExactlyOneWins() throws Exception {
        String caller = nextCaller();
        String call = connected(caller, doug);

        doug.ack("park", call);
        await().atMost(WAIT).until(() -> parkedIn(doug, call, 701) && parkedIn(rhonda, call, 701));
        JsonNode parked = rhonda.call(call);
        assertThat(parked.get("from").asText()).isEqualTo(caller);
        assertThat(parked.get("parkedBy").asText()).isEqualTo("doug");
        assertThat(parked.get("parkedAt").asText()).isNotBlank();
        assertThat(rhonda.agent("doug").get("currentCall").isNull()).isTrue();
        // The caller holds in the parking lot's queue, hearing the wait music; call-state knows they are there.
        await().atMost(WAIT).until(() -> stack.simulator().call(call).activity().equals("enqueued:acme-parking"));
        await().atMost(WAIT).until(() -> EndToEnd.inTheLot(stack, call));

        // Both click "retrieve" at the same moment.
        CyclicBarrier sameMoment = new CyclicBarrier(2);
        var dougs = CompletableFuture.supplyAsync(() -> doug.sendTogether(sameMoment, "retrieve", call));
        var rhondas = CompletableFuture.supplyAsync(() -> rhonda.sendTogether(sameMoment, "retrieve", call));
        String dougsRequest = dougs.get();
        String rhondasRequest = rhondas.get();
        await().atMost(WAIT).until(() -> doug.reply(dougsRequest) != null && rhonda.reply(rhondasRequest) != null);
        boolean dougWon = doug.reply(dougsRequest).get("type").asText().equals("ack");
        AgentScreen winner = dougWon ? doug : rhonda;
        JsonNode losersReply = dougWon ? rhonda.reply(rhondasRequest) : doug.reply(dougsRequest);
        assertThat(losersReply.get("code").asText()).isEqualTo("already_claimed");

        // The winner's phone answers: the slot empties and everyone sees them on the call.
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, winner.agentId, caller)
                && rhonda.showsOnCall(call, winner.agentId, caller));
        assertThat(doug.call(call).get("slot").isNull()).isTrue();
        assertThat(history(call)).isEqualTo("701 doug retrieved " + winner.agentId);

        hangUp(call);
    }

    @Test
    void aRetrieveTheAgentDoesNotAnswerPutsTheCallBackInItsSlot() throws Exception {
        String call = connected(nextCaller(), doug);
        doug.ack("park", call);
        await().atMost(WAIT).until(() -> parkedIn(rhonda, call, 701) && EndToEnd.inTheLot(stack, call));

        // Rhonda declines on her phone.
        stack.simulator().answerMode(ClientIdentity.of("acme", "rhonda"), AnswerMode.REJECT);
        try {
            rhonda.ack("retrieve", call);
            // Everyone saw her retrieve it (CLAIMED, slot still 701), then the call back in its slot.
            await().atMost(WAIT).until(() -> !rhonda.frames(f -> f.get("type").asText().equals("call")
                    && f.at("/call/callSid").asText().equals(call) && f.at("/call/state").asText().equals("CLAIMED")
                    && f.at("/call/agentId").asText().equals("rhonda") && f.at("/call/slot").asInt() == 701).isEmpty()
                    && parkedIn(doug, call, 701) && parkedIn(rhonda, call, 701)
                    && rhonda.agent("rhonda").get("status").asText().equals("available"));
            // call-state took the caller from the conference back to the parking queue.
            await().atMost(WAIT).until(() -> stack.simulator().call(call).activity().equals("enqueued:acme-parking"));
        } finally {
            stack.simulator().answerMode(ClientIdentity.of("acme", "rhonda"), AnswerMode.AUTO);
        }
        hangUp(call);
    }

    @Test
    void anUnretrievedCallRingsBackItsParkerThenEveryone() throws Exception {
        String call = connected(nextCaller(), doug);
        doug.ack("park", call);
        await().atMost(WAIT).until(() -> parkedIn(rhonda, call, 701));

        // The park timeout: it rings again, for Doug alone, saying why.
        await().atMost(WAIT).until(() -> rhonda.rings(call) && doug.rings(call));
        JsonNode ringBack = rhonda.call(call);
        assertThat(ringBack.get("ringReason").asText()).isEqualTo("park_timeout");
        assertThat(ringBack.get("offeredTo").asText()).isEqualTo("doug");
        assertThat(ringBack.get("slot").isNull()).isTrue();
        JsonNode notYet = rhonda.awaitReply(rhonda.send("claim", call));
        assertThat(notYet.get("code").asText()).isEqualTo("not_offered");

        // Doug doesn't take it: after his ring time every available agent is offered the call.
        await().atMost(WAIT).until(() -> rhonda.rings(call) && rhonda.call(call).get("offeredTo").isNull());
        rhonda.ack("claim", call);
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, "rhonda", null) && rhonda.showsOnCall(call, "rhonda", null));
        assertThat(history(call)).isEqualTo("701 doug park_timeout null");

        hangUp(call);
    }

    @Test
    void aCallerWhoHangsUpInTheLotLeavesAnEmptySlotOnEveryScreen() throws Exception {
        String call = connected(nextCaller(), rhonda);
        rhonda.ack("park", call);
        await().atMost(WAIT).until(() -> parkedIn(doug, call, 701) && parkedIn(rhonda, call, 701)
                && EndToEnd.inTheLot(stack, call));

        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> doug.call(call) == null && rhonda.call(call) == null);
        assertThat(history(call)).isEqualTo("701 rhonda caller_hangup null");
    }

    @Test
    void aFullLotKeepsTheCallWithItsAgent() throws Exception {
        String first = connected(nextCaller(), doug);
        String second = connected(nextCaller(), rhonda);
        sql("UPDATE tenants SET park_slot_first = 701, park_slot_last = 701 WHERE id = 'acme'");
        try {
            doug.ack("park", first);
            JsonNode full = rhonda.awaitReply(rhonda.send("park", second));
            assertThat(full.get("code").asText()).isEqualTo("parking_full");
            assertThat(full.get("message").asText()).contains("701");
            assertThat(rhonda.call(second).get("state").asText()).isEqualTo("CONNECTED");
            // Someone else's call is not Doug's to park.
            assertThat(doug.awaitReply(doug.send("park", second)).get("code").asText()).isEqualTo("not_your_call");
        } finally {
            sql("UPDATE tenants SET park_slot_first = 701, park_slot_last = 720 WHERE id = 'acme'");
        }
        hangUp(first);
        hangUp(second);
    }

    @Test
    void aParkTimeoutThatPassesWhileCallStateIsDownStillRingsBack() throws Exception {
        String call = connected(nextCaller(), doug);
        doug.ack("park", call);
        await().atMost(WAIT).until(() -> parkedIn(rhonda, call, 701) && EndToEnd.inTheLot(stack, call));

        stack.stop(Stack.Service.CALL_STATE);
        Thread.sleep(PARK_TIMEOUT.toMillis()); // the deadline passes with nobody to fire it
        assertThat(rhonda.call(call).get("state").asText()).isEqualTo("PARKED");
        stack.start(Stack.Service.CALL_STATE);

        await().atMost(WAIT).until(() -> rhonda.rings(call) && doug.rings(call));
        assertThat(rhonda.call(call).get("ringReason").asText()).isEqualTo("park_timeout");
        hangUp(call);
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static String nextCaller() {
        return String.format("+1555020%04d", callers++);
    }

    /** A call from {@code caller}, claimed by {@code agent} and answered on their phone. */
    private static String connected(String caller, AgentScreen agent) {
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call) && rhonda.rings(call));
        agent.ack("claim", call);
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, agent.agentId, caller)
                && rhonda.showsOnCall(call, agent.agentId, caller));
        return call;
    }

    private static void hangUp(String call) {
        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> doug.call(call) == null && rhonda.call(call) == null);
    }


    private static boolean parkedIn(AgentScreen screen, String call, int slot) {
        JsonNode c = screen.call(call);
        return c != null && c.get("state").asText().equals("PARKED") && c.get("slot").asInt() == slot;
    }

    /** The call's stay in the parking lot: {@code slot parkedBy outcome retrievedBy}. */
    private static String history(String call) throws Exception {
        try (var c = stack.postgres().connect()) {
            var s = c.prepareStatement("SELECT slot, parked_by, outcome, retrieved_by FROM call_parks WHERE call_sid = ?");
            s.setString(1, call);
            ResultSet rs = s.executeQuery();
            assertThat(rs.next()).as("parking history of %s", call).isTrue();
            return rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4);
        }
    }

    private static void sql(String statement) throws Exception {
        try (var c = stack.postgres().connect()) {
            c.createStatement().executeUpdate(statement);
        }
    }
}
