package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.stack.Stack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scenario across the three packaged services, real Kafka and Postgres, the Twilio simulator and two
 * agents on WebSockets: a call rings on both screens, Doug and Rhonda answer at the same moment, exactly one
 * wins, both screens show the winner connected with the caller's number, the caller hangs up and both screens
 * clear. A hundred times, with timings printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoreCallFlowTest {
    static final int ROUNDS = 100;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String NUMBER = "+15005550006";

    static Stack stack;
    static AgentScreen doug;
    static AgentScreen rhonda;

    @BeforeAll
    static void startTheStack() throws Exception {
        // The same two agents take a hundred calls in a row: no wrap-up between them.
        stack = EndToEnd.start("core-call-flow",
                o -> o.withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "0s"));
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda");
        doug = screens.get(0);
        rhonda = screens.get(1);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, stack);
    }

    @Test
    @Order(1)
    void twoAgentsAnswerTheSameCallAndExactlyOneWinsEveryTime() throws Exception {
        List<Duration> ring = new ArrayList<>();
        List<Duration> claimRoundTrip = new ArrayList<>();
        List<Duration> connect = new ArrayList<>();
        List<Duration> clear = new ArrayList<>();
        int dougWins = 0;

        for (int round = 0; round < ROUNDS; round++) {
            String caller = String.format("+1555010%04d", round);
            long placed = System.nanoTime();
            String call = stack.simulator().placeCall(caller, NUMBER);

            // Both screens ring.
            await().atMost(WAIT).until(() -> doug.rings(call) && rhonda.rings(call));
            ring.add(AgentScreen.since(placed, lastArrival(call, "RINGING")));

            // Both answer at the same moment.
            CyclicBarrier sameMoment = new CyclicBarrier(2);
            long clicked = System.nanoTime();
            var dougsClaim = CompletableFuture.supplyAsync(() -> doug.sendTogether(sameMoment, "claim", call));
            var rhondasClaim = CompletableFuture.supplyAsync(() -> rhonda.sendTogether(sameMoment, "claim", call));
            String dougsRequest = dougsClaim.get();
            String rhondasRequest = rhondasClaim.get();
            await().atMost(WAIT).until(() -> doug.reply(dougsRequest) != null && rhonda.reply(rhondasRequest) != null);
            JsonNode dougsReply = doug.reply(dougsRequest);
            JsonNode rhondasReply = rhonda.reply(rhondasRequest);
            claimRoundTrip.add(AgentScreen.since(clicked, Math.max(
                    doug.arrivalOf(f -> dougsRequest.equals(f.path("requestId").asText())),
                    rhonda.arrivalOf(f -> rhondasRequest.equals(f.path("requestId").asText())))));

            boolean dougWon = dougsReply.get("type").asText().equals("ack");
            AgentScreen winner = dougWon ? doug : rhonda;
            AgentScreen loser = dougWon ? rhonda : doug;
            JsonNode losersReply = dougWon ? rhondasReply : dougsReply;
            assertThat((dougWon ? rhondasReply : dougsReply).get("type").asText())
                    .as("round %d: the other claim", round).isEqualTo("error");
            assertThat(losersReply.get("code").asText()).isEqualTo("already_claimed");
            dougWins += dougWon ? 1 : 0;

            // The loser's ringing stops, with the reason and the winner's name.
            await().atMost(WAIT).until(() -> !loser.frames(f -> f.get("type").asText().equals("ring_cancel")
                    && f.get("callSid").asText().equals(call)).isEmpty());
            JsonNode cancel = loser.frames(f -> f.get("type").asText().equals("ring_cancel")
                    && f.get("callSid").asText().equals(call)).get(0);
            assertThat(cancel.get("reason").asText()).isEqualTo("claimed");
            assertThat(cancel.get("by").asText()).isEqualTo(winner.agentId);

            // The winner's leg is answered: both screens show the winner on the call with the caller's number.
            await().atMost(WAIT).until(() -> doug.showsOnCall(call, winner.agentId, caller)
                    && rhonda.showsOnCall(call, winner.agentId, caller));
            connect.add(AgentScreen.since(clicked, lastArrival(call, "CONNECTED")));
            JsonNode onCall = rhonda.agent(winner.agentId).get("currentCall");
            assertThat(onCall.get("answeredAt").asText()).isNotBlank();

            // The caller hangs up: both screens clear, the winner's currentCall is null.
            long hungUp = System.nanoTime();
            stack.simulator().hangup(call);
            await().atMost(WAIT).until(() -> cleared(doug, call, winner.agentId) && cleared(rhonda, call, winner.agentId));
            clear.add(AgentScreen.since(hungUp, lastArrival(call, "ENDED")));
            assertThat(doug.picture()).isEqualTo(rhonda.picture());
        }

        assertThat(doug.seqViolations()).isEmpty();
        assertThat(rhonda.seqViolations()).isEmpty();
        System.out.printf("%n%d rounds, Doug won %d, Rhonda won %d%n", ROUNDS, dougWins, ROUNDS - dougWins);
        print("webhook sent → RINGING on both screens", ring);
        print("claim sent → both replies", claimRoundTrip);
        print("claim sent → CONNECTED on both screens", connect);
        print("caller hangs up → call gone from both screens", clear);
    }

    @Test
    @Order(2)
    void aScreenThatConnectsNowSeesWhatTheLiveScreensSee() throws Exception {
        try (AgentScreen late = AgentScreen.open(stack.baseUrl(Stack.Service.PRESENCE_GATEWAY), "acme", "doug")) {
            await().atMost(WAIT).until(late::hasSnapshot);
            // The wallboard's figures of the last call may still be on their way: the screens meet at one seq.
            await().atMost(WAIT).until(() -> late.seq() == doug.seq());
            assertThat(late.picture()).isEqualTo(doug.picture()).isEqualTo(rhonda.picture());
        }
    }

    private static boolean cleared(AgentScreen screen, String call, String agent) {
        JsonNode a = screen.agent(agent);
        return screen.call(call) == null && a != null && a.get("currentCall").isNull();
    }

    /** When the later of the two screens got the call in {@code state}. */
    private static long lastArrival(String call, String state) {
        java.util.function.Predicate<JsonNode> match = f -> f.get("type").asText().equals("call")
                && f.at("/call/callSid").asText().equals(call) && f.at("/call/state").asText().equals(state);
        return Math.max(doug.arrivalOf(match), rhonda.arrivalOf(match));
    }

    private static void print(String what, List<Duration> samples) {
        List<Long> micros = new ArrayList<>(samples.stream().map(d -> d.toNanos() / 1000).toList());
        Collections.sort(micros);
        System.out.printf("%-48s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (n=%d)%n", what,
                pct(micros, 50), pct(micros, 95), pct(micros, 99), micros.get(micros.size() - 1) / 1000.0, micros.size());
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1000.0;
    }
}
