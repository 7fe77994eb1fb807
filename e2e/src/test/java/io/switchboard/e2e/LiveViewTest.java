package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.stack.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        Path repoRoot = Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();
        List<String> jvmArgs = List.of("-Xmx256m");
        stack = Stack.start(Stack.Options.defaults(repoRoot)
                // Kept after the run: the services' logs are what a failed run leaves to read.
                .withDataDir(repoRoot.resolve("e2e/target/stack-live-view")).withFresh(true)
                .withPorts(Stack.Ports.free())
                .withUserEnv(Map.of())
                .withJvmArgs(jvmArgs)
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "2s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_OFFLINE_GRACE", GRACE.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_TTL", TTL.toSeconds() + "s")
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_PRESENCE_HEARTBEAT_INTERVAL", "1s"));
        gatewayA = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        gatewayB = GatewayReplica.start(stack, repoRoot, "gw-b", jvmArgs);
        doug = AgentScreen.open(gatewayA, "acme", "doug");
        rhonda = AgentScreen.open(gatewayB.baseUrl, "acme", "rhonda");
        await().atMost(WAIT).until(() -> doug.hasSnapshot() && rhonda.hasSnapshot());
        await().atMost(WAIT).until(() -> online(doug, "doug") && online(doug, "rhonda")
                && online(rhonda, "doug") && online(rhonda, "rhonda"));
    }

    @AfterAll
    static void stopTheStack() {
        for (AutoCloseable c : new AutoCloseable[] {doug, rhonda, gatewayB, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    @Test
    @Order(1)
    void agentsOnTwoGatewaysSeeEveryChangeAndWrapUpAfterACall() {
        String caller = nextCaller();
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> ringing(doug, call) && ringing(rhonda, call));
        assertThat(reply(rhonda, rhonda.send("claim", call)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> onCall(doug, call, "rhonda") && onCall(rhonda, call, "rhonda"));

        stack.simulator().hangup(call);
        // Rhonda talked: she wraps up (no calls offered), then is available again, on both screens.
        await().atMost(WAIT).until(() -> status(doug, "rhonda").equals("wrap_up"));
        await().atMost(WAIT).until(() -> status(doug, "rhonda").equals("available")
                && status(rhonda, "rhonda").equals("available"));
        screensAgree();
    }

    @Test
    @Order(2)
    void twoTabsAreOneAgentOnlineUntilBothClose() throws Exception {
        AgentScreen secondTab = AgentScreen.open(gatewayB.baseUrl, "acme", "doug");
        await().atMost(WAIT).until(secondTab::hasSnapshot);
        doug.close();
        Thread.sleep(GRACE.plusSeconds(2).toMillis()); // longer than the grace: the other tab keeps Doug online
        assertThat(presence(rhonda, "doug")).isEqualTo("online");

        secondTab.close();
        await().atMost(GRACE.plus(WAIT)).until(() -> presence(rhonda, "doug").equals("offline"));

        doug = AgentScreen.open(gatewayA, "acme", "doug");
        await().atMost(WAIT).until(() -> doug.hasSnapshot() && online(rhonda, "doug") && online(doug, "doug"));
    }

    @Test
    @Order(3)
    void aCallNobodyIsAvailableForWaitsOnHoldAndIsOfferedTheMomentSomeoneIs() {
        assertThat(reply(doug, doug.setStatus("away")).get("type").asText()).isEqualTo("ack");
        assertThat(reply(rhonda, rhonda.setStatus("away")).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> status(doug, "rhonda").equals("away") && status(rhonda, "doug").equals("away"));

        String call = stack.simulator().placeCall(nextCaller(), NUMBER);
        await().atMost(WAIT).until(() -> ringing(doug, call) && ringing(rhonda, call));
        assertThat(reply(doug, doug.send("claim", call)).get("code").asText()).isEqualTo("not_offered");
        assertThat(stack.simulator().call(call).activity()).isEqualTo("enqueued:acme"); // on hold

        assertThat(reply(rhonda, rhonda.setStatus("available")).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> status(doug, "rhonda").equals("available"));
        assertThat(reply(rhonda, rhonda.send("claim", call)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> onCall(doug, call, "rhonda") && onCall(rhonda, call, "rhonda"));
        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> doug.call(call) == null && rhonda.call(call) == null);
        assertThat(reply(doug, doug.setStatus("available")).get("type").asText()).isEqualTo("ack");
        screensAgree();
    }

    @Test
    @Order(4)
    void aGatewayThatDiesTakesItsAgentsOfflineWithinTheTtl() throws Exception {
        long killed = System.nanoTime();
        gatewayB.kill();
        await().atMost(TTL.plus(GRACE).plus(WAIT)).until(() -> presence(doug, "rhonda").equals("offline"));
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("%ngateway killed → its agent offline on the other gateway's screen: %d ms (TTL %d s, "
                + "grace %d s)%n", took.toMillis(), TTL.toSeconds(), GRACE.toSeconds());
        assertThat(took).isLessThan(TTL.plus(GRACE).plusSeconds(3));
        assertThat(presence(doug, "doug")).isEqualTo("online");
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static String nextCaller() {
        return String.format("+1555030%04d", callers++);
    }

    private static void screensAgree() {
        await().atMost(WAIT).until(() -> doug.seq() == rhonda.seq());
        assertThat(doug.picture()).isEqualTo(rhonda.picture());
        assertThat(doug.seqViolations()).isEmpty();
        assertThat(rhonda.seqViolations()).isEmpty();
    }

    private static JsonNode reply(AgentScreen screen, String requestId) {
        await().atMost(WAIT).until(() -> screen.reply(requestId) != null);
        return screen.reply(requestId);
    }

    private static boolean ringing(AgentScreen screen, String call) {
        JsonNode c = screen.call(call);
        return c != null && c.get("state").asText().equals("RINGING");
    }

    private static boolean onCall(AgentScreen screen, String call, String agent) {
        JsonNode c = screen.call(call);
        JsonNode a = screen.agent(agent);
        return c != null && c.get("state").asText().equals("CONNECTED") && agent.equals(c.get("agentId").asText())
                && a != null && call.equals(a.at("/currentCall/callSid").asText());
    }

    private static String presence(AgentScreen screen, String agent) {
        JsonNode a = screen.agent(agent);
        return a == null ? "unknown" : a.get("presence").asText();
    }

    private static boolean online(AgentScreen screen, String agent) {
        return presence(screen, agent).equals("online");
    }

    private static String status(AgentScreen screen, String agent) {
        JsonNode a = screen.agent(agent);
        return a == null ? "unknown" : a.get("status").asText();
    }
}
