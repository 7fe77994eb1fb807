package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.stack.GatewayReplica;
import io.switchboard.stack.Stack;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live view across two gateway instances, the packaged services, real Kafka and Postgres and the Twilio
 * simulator: agents split between the gateways see the same changes; two tabs are one agent; away, wrap-up and
 * a call nobody is available for; a gateway that dies takes its agents offline within the TTL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveViewTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final Duration GRACE = Duration.ofSeconds(2);
    static final Duration TTL = Duration.ofSeconds(5);

    static Stack stack;
    static GatewayReplica gatewayB;
    static String gatewayA;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static int callers;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("live-view", o -> o
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "2s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_OFFLINE_GRACE", GRACE.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_TTL", TTL.toSeconds() + "s")
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_PRESENCE_HEARTBEAT_INTERVAL", "1s"));
        gatewayA = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        gatewayB = GatewayReplica.start(stack, "gw-b");
        doug = AgentScreen.open(gatewayA, "acme", "doug");
        rhonda = AgentScreen.open(gatewayB.baseUrl(), "acme", "rhonda");
        EndToEnd.awaitSnapshots(WAIT, doug, rhonda);
        await().atMost(WAIT).until(() -> doug.agentField("doug", "presence").equals("online") && doug.agentField("rhonda", "presence").equals("online")
                && rhonda.agentField("doug", "presence").equals("online") && rhonda.agentField("rhonda", "presence").equals("online"));
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, gatewayB, stack);
    }

    @Test
    @Order(1)
    void agentsOnTwoGatewaysSeeEveryChangeAndWrapUpAfterACall() {
        String caller = nextCaller();
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call) && rhonda.rings(call));
        assertThat(rhonda.awaitReply(rhonda.send("claim", call)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, "rhonda", null) && rhonda.showsOnCall(call, "rhonda", null));

        stack.simulator().hangup(call);
        // Rhonda talked: she wraps up (no calls offered), then is available again, on both screens.
        await().atMost(WAIT).until(() -> doug.agentField("rhonda", "status").equals("wrap_up"));
        await().atMost(WAIT).until(() -> doug.agentField("rhonda", "status").equals("available")
                && rhonda.agentField("rhonda", "status").equals("available"));
        EndToEnd.screensAgree(WAIT, doug, rhonda);
    }

    @Test
    @Order(2)
    void twoTabsAreOneAgentOnlineUntilBothClose() throws Exception {
        AgentScreen secondTab = AgentScreen.open(gatewayB.baseUrl(), "acme", "doug");
        await().atMost(WAIT).until(secondTab::hasSnapshot);
        doug.close();
        Thread.sleep(GRACE.plusSeconds(2).toMillis()); // longer than the grace: the other tab keeps Doug online
        assertThat(rhonda.agentField("doug", "presence")).isEqualTo("online");

        secondTab.close();
        await().atMost(GRACE.plus(WAIT)).until(() -> rhonda.agentField("doug", "presence").equals("offline"));

        doug = AgentScreen.open(gatewayA, "acme", "doug");
        await().atMost(WAIT).until(() -> doug.hasSnapshot() && rhonda.agentField("doug", "presence").equals("online") && doug.agentField("doug", "presence").equals("online"));
    }

    @Test
    @Order(3)
    void aCallNobodyIsAvailableForWaitsOnHoldAndIsOfferedTheMomentSomeoneIs() {
        assertThat(doug.awaitReply(doug.setStatus("away")).get("type").asText()).isEqualTo("ack");
        assertThat(rhonda.awaitReply(rhonda.setStatus("away")).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.agentField("rhonda", "status").equals("away") && rhonda.agentField("doug", "status").equals("away"));

        String call = stack.simulator().placeCall(nextCaller(), NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call) && rhonda.rings(call));
        assertThat(doug.awaitReply(doug.send("claim", call)).get("code").asText()).isEqualTo("not_offered");
        assertThat(stack.simulator().call(call).activity()).isEqualTo("enqueued:acme"); // on hold

        assertThat(rhonda.awaitReply(rhonda.setStatus("available")).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.agentField("rhonda", "status").equals("available"));
        assertThat(rhonda.awaitReply(rhonda.send("claim", call)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, "rhonda", null) && rhonda.showsOnCall(call, "rhonda", null));
        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> doug.call(call) == null && rhonda.call(call) == null);
        assertThat(doug.awaitReply(doug.setStatus("available")).get("type").asText()).isEqualTo("ack");
        EndToEnd.screensAgree(WAIT, doug, rhonda);
    }

    @Test
    @Order(4)
    void aGatewayThatDiesTakesItsAgentsOfflineWithinTheTtl() throws Exception {
        long killed = System.nanoTime();
        gatewayB.kill();
        await().atMost(TTL.plus(GRACE).plus(WAIT)).until(() -> doug.agentField("rhonda", "presence").equals("offline"));
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("%ngateway killed → its agent offline on the other gateway's screen: %d ms (TTL %d s, "
                + "grace %d s)%n", took.toMillis(), TTL.toSeconds(), GRACE.toSeconds());
        assertThat(took).isLessThan(TTL.plus(GRACE).plusSeconds(3));
        assertThat(doug.agentField("doug", "presence")).isEqualTo("online");
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static String nextCaller() {
        return String.format("+1555030%04d", callers++);
    }

}
