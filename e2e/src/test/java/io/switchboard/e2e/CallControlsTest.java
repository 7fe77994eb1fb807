package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.stack.Stack;
import io.switchboard.stack.twilio.AnswerMode;
import io.switchboard.stack.twilio.ConferenceView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hold and transfers across the packaged services, real Kafka and Postgres, the Twilio simulator (calls meet in a
 * conference there) and three agents on WebSockets: every screen sees each control, and Twilio has the caller where the
 * screens say.
 */
class CallControlsTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final Duration TRANSFER_RING_TIME = Duration.ofSeconds(3);

    static Stack stack;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static AgentScreen hank;
    static int callers;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("call-controls", o -> o
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_TRANSFER_RING_TIME",
                        TRANSFER_RING_TIME.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "0s"));
        stack.postgres().execute("INSERT INTO voip_users (tenant_id, id, name) VALUES ('acme', 'hank', 'Hank')");
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda", "hank");
        doug = screens.get(0);
        rhonda = screens.get(1);
        hank = screens.get(2);
        await().atMost(WAIT).until(() -> everyScreen(s -> "online".equals(s.agentField("hank", "presence"))));
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, hank, stack);
    }

    @AfterEach
    void screensAgreeInOrder() {
        EndToEnd.screensAgree(WAIT, doug, rhonda, hank);
        await().atMost(WAIT).until(() -> everyScreen(s -> List.of("doug", "rhonda", "hank").stream()
                .allMatch(agent -> "available".equals(s.agentField(agent, "status")))));
    }

    @Test
    void theAgentPutsTheCallerOnHoldAndBackAndEveryScreenSeesIt() {
        String call = connected(nextCaller(), doug);

        doug.ack("hold", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> onHold(s, call)));
        assertThat(rhonda.call(call).get("heldAt").asText()).isNotBlank();
        await().atMost(WAIT).until(() -> stack.simulator().call(call).onHold());
        assertThat(stack.simulator().call(call).talkingWith()).isEmpty();

        JsonNode refused = rhonda.awaitReply(rhonda.send("hold", call));
        assertThat(refused.get("code").asText()).isEqualTo("not_your_call");

        doug.ack("unhold", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> !onHold(s, call) && s.call(call).get("heldAt").isNull()));
        await().atMost(WAIT).until(() -> talkingWith(call, "doug"));
        hangUp(call);
    }

    @Test
    void aColdTransferRingsTheColleagueAloneWhoAnswersIt() {
        String caller = nextCaller();
        String call = connected(caller, doug);

        doug.awaitReply(doug.transfer(call, "rhonda", "cold"));
        await().atMost(WAIT).until(() -> everyScreen(s -> ringsFor(s, call, "rhonda")));
        JsonNode ringing = hank.call(call);
        assertThat(ringing.get("ringReason").asText()).isEqualTo("transfer");
        assertThat(ringing.get("transferredBy").asText()).isEqualTo("doug");
        assertThat(hank.agent("doug").get("currentCall").isNull()).isTrue();
        await().atMost(WAIT).until(() -> stack.simulator().call(call).activity().equals("enqueued:acme"));
        assertThat(hank.awaitReply(hank.send("claim", call)).get("code").asText()).isEqualTo("not_offered");

        rhonda.ack("claim", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "rhonda", caller)));
        await().atMost(WAIT).until(() -> talkingWith(call, "rhonda"));
        hangUp(call);
    }

    @Test
    void anUnansweredColdTransferRingsBackTheAgentThenEveryone() {
        String caller = nextCaller();
        String call = connected(caller, doug);

        doug.awaitReply(doug.transfer(call, "rhonda", "cold"));
        await().atMost(WAIT).until(() -> everyScreen(s -> ringsFor(s, call, "rhonda")));
        await().atMost(WAIT).until(() -> everyScreen(s -> ringsFor(s, call, "doug")));
        await().atMost(WAIT).until(() -> everyScreen(s -> ringsFor(s, call, null)));
        assertThat(rhonda.call(call).get("ringReason").asText()).isEqualTo("transfer");

        hank.ack("claim", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "hank", caller)));
        await().atMost(WAIT).until(() -> talkingWith(call, "hank"));
        hangUp(call);
    }

    @Test
    void aTransferToAColleagueWhoCannotTakeItIsRefusedAndChangesNothing() {
        String call = connected(nextCaller(), doug);
        rhonda.awaitReply(rhonda.setStatus("away"));
        await().atMost(WAIT).until(() -> everyScreen(s -> "away".equals(s.agentField("rhonda", "status"))));

        JsonNode refused = doug.awaitReply(doug.transfer(call, "rhonda", "cold"));
        assertThat(refused.get("code").asText()).isEqualTo("target_unavailable");
        assertThat(refused.get("message").asText()).contains("Rhonda is away");
        assertThat(doug.call(call).get("state").asText()).isEqualTo("CONNECTED");
        assertThat(talkingWith(call, "doug")).isTrue();

        rhonda.awaitReply(rhonda.setStatus("available"));
        hangUp(call);
    }

    @Test
    void aWarmTransferLetsTheAgentsTalkWhileTheCallerWaitsThenHandsTheCallerOver() {
        String caller = nextCaller();
        String call = connected(caller, doug);

        consultRhonda(call);
        doug.ack("complete_transfer", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "rhonda", caller)
                && !onHold(s, call) && s.call(call).get("consultWith").isNull()
                && s.agent("doug").get("currentCall").isNull()));
        await().atMost(WAIT).until(() -> talkingWith(call, "rhonda"));
        hangUp(call);
    }

    @Test
    void aCancelledWarmTransferGivesTheCallerBackToTheAgent() {
        String caller = nextCaller();
        String call = connected(caller, doug);

        consultRhonda(call);
        doug.ack("cancel_transfer", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "doug", caller) && !onHold(s, call)
                && s.call(call).get("consultWith").isNull() && s.agent("rhonda").get("currentCall").isNull()));
        await().atMost(WAIT).until(() -> talkingWith(call, "doug"));
        hangUp(call);
    }

    @Test
    void aCallerWhoHangsUpDuringAConsultEndsTheCallForBothAgents() {
        String call = connected(nextCaller(), doug);

        consultRhonda(call);
        hangUp(call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.agent("doug").get("currentCall").isNull()
                && s.agent("rhonda").get("currentCall").isNull()));
    }

    @Test
    void theColleagueTakingTheConsultAsTheAgentCancelsItHasOneOutcome() throws Exception {
        String caller = nextCaller();
        String call = connected(caller, doug);
        doug.awaitReply(doug.transfer(call, "rhonda", "warm"));
        await().atMost(WAIT).until(() -> everyScreen(s -> consultRingsFor(s, call, "rhonda")));

        CyclicBarrier sameMoment = new CyclicBarrier(2);
        var takes = CompletableFuture.supplyAsync(() -> rhonda.sendTogether(sameMoment, "claim", call));
        var cancels = CompletableFuture.supplyAsync(() -> doug.sendTogether(sameMoment, "cancel_transfer", call));
        rhonda.awaitReply(takes.get());
        JsonNode cancelled = doug.awaitReply(cancels.get());
        assertThat(cancelled.get("type").asText()).isEqualTo("ack");

        // Whichever came first, the consult is over and the caller is Doug's again, off hold.
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "doug", caller) && !onHold(s, call)
                && s.call(call).get("consultWith").isNull() && s.call(call).get("offeredTo").isNull()));
        await().atMost(WAIT).until(() -> talkingWith(call, "doug"));
        hangUp(call);
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    /** Doug consults Rhonda: the caller on hold, the consult rings for her, she takes it and her phone answers. */
    private static void consultRhonda(String call) {
        doug.awaitReply(doug.transfer(call, "rhonda", "warm"));
        await().atMost(WAIT).until(() -> everyScreen(s -> consultRingsFor(s, call, "rhonda") && onHold(s, call)));
        assertThat(hank.call(call).get("state").asText()).isEqualTo("CONNECTED");
        assertThat(hank.call(call).get("agentId").asText()).isEqualTo("doug");

        rhonda.ack("claim", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> "rhonda".equals(s.call(call).path("consultWith").asText(null))
                && call.equals(s.agent("rhonda").at("/currentCall/callSid").asText())));
        await().atMost(WAIT).until(() -> stack.simulator().call(call).onHold());
        assertThat(stack.simulator().call(call).talkingWith()).isEmpty();
    }

    @Test
    void anAgentCallsANumberThatAnswersAndEveryScreenSeesTheCallUntilTheyHangUp() {
        String customer = nextCaller();
        assertThat(doug.awaitReply(doug.dial(customer)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.placedCall() != null);
        String call = doug.placedCall().get("callSid").asText();
        assertThat(call).startsWith("OB");
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, "doug", customer)));
        JsonNode seen = hank.call(call);
        assertThat(seen.get("direction").asText()).isEqualTo("outbound");
        assertThat(seen.get("from").asText()).isEqualTo(NUMBER);
        assertThat(seen.get("to").asText()).isEqualTo(customer);
        // Twilio rang Doug's softphone first, then called the number, showing the tenant's number.
        ConferenceView conference = stack.simulator().conference(call);
        assertThat(conference.participant("doug").orElseThrow().device())
                .isEqualTo("client:" + ClientIdentity.of("acme", "doug"));
        String leg = conference.participant("caller").orElseThrow().callSid();
        assertThat(stack.simulator().call(leg).from()).isEqualTo(NUMBER);
        await().atMost(WAIT).until(() -> talkingWith(leg, "doug"));

        doug.ack("hold", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> onHold(s, call)));
        await().atMost(WAIT).until(() -> stack.simulator().call(leg).onHold());

        doug.ack("hangup", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
        await().atMost(WAIT).until(() -> stack.simulator().call(leg).ended());
    }

    @Test
    void aNumberThatDoesNotAnswerEndsThePlacedCallAndFreesTheAgent() {
        String customer = nextCaller();
        stack.simulator().answerMode(customer, AnswerMode.REJECT);
        String before = doug.lastPlacedCall();
        assertThat(doug.awaitReply(doug.dial(customer)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.lastPlacedCall() != null && !doug.lastPlacedCall().equals(before));
        String call = doug.lastPlacedCall();
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
        assertThat(doug.frames(f -> "call".equals(f.path("type").asText())
                && call.equals(f.at("/call/callSid").asText())).stream().map(f -> f.at("/call/state").asText()))
                .containsExactly("CLAIMED", "ENDED");
        await().atMost(WAIT).until(() -> stack.simulator().conference(call).ended());
    }

    @Test
    void aDialToNoNumberOrAForbiddenCountryOrByABusyAgentIsRefused() {
        assertThat(doug.awaitReply(doug.dial("555-0123")).get("code").asText()).isEqualTo("invalid_number");
        assertThat(doug.awaitReply(doug.dial("+442071838750")).get("code").asText()).isEqualTo("number_not_allowed");
        // A tenant that lists the countries it calls may call those alone, its own no longer included.
        stack.postgres().execute("UPDATE tenants SET dial_country_codes = '{44}' WHERE id = 'acme'");
        try {
            assertThat(doug.awaitReply(doug.dial(nextCaller())).get("code").asText()).isEqualTo("number_not_allowed");
        } finally {
            stack.postgres().execute("UPDATE tenants SET dial_country_codes = NULL WHERE id = 'acme'");
        }
        String call = connected(nextCaller(), doug);
        assertThat(doug.awaitReply(doug.dial(nextCaller())).get("code").asText()).isEqualTo("agent_busy");
        assertThat(doug.placedCall()).isNull();
        hangUp(call);
    }

    private static String nextCaller() {
        return String.format("+1555030%04d", callers++);
    }

    /** A call from {@code caller}, claimed by {@code agent} and answered on their phone. */
    private static String connected(String caller, AgentScreen agent) {
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) != null));
        agent.ack("claim", call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.showsOnCall(call, agent.agentId, caller)));
        await().atMost(WAIT).until(() -> talkingWith(call, agent.agentId));
        return call;
    }

    private static void hangUp(String call) {
        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
    }

    /** Twilio has the caller talking with this agent's softphone alone. */
    private static boolean talkingWith(String call, String agent) {
        return stack.simulator().call(call).talkingWith().equals(List.of("client:" + ClientIdentity.of("acme", agent)));
    }

    private static boolean onHold(AgentScreen screen, String call) {
        JsonNode c = screen.call(call);
        return c != null && c.get("onHold").asBoolean();
    }

    /** The call rings for {@code agent} alone, or (null) for everyone. */
    private static boolean ringsFor(AgentScreen screen, String call, String agent) {
        JsonNode c = screen.call(call);
        return c != null && c.get("state").asText().equals("RINGING")
                && (agent == null ? c.get("offeredTo").isNull() : agent.equals(c.path("offeredTo").asText(null)));
    }

    private static boolean consultRingsFor(AgentScreen screen, String call, String agent) {
        JsonNode c = screen.call(call);
        return c != null && c.get("state").asText().equals("CONNECTED") && "consult".equals(c.path("ringReason")
                .asText(null)) && agent.equals(c.path("offeredTo").asText(null));
    }

    private static List<AgentScreen> screens() {
        return List.of(doug, rhonda, hank);
    }

    private static boolean everyScreen(java.util.function.Predicate<AgentScreen> check) {
        return screens().stream().allMatch(check);
    }
}
