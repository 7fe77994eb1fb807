package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.stack.Stack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Against the Twilio that really exists — one retry, only of a connection that could not be made, unless a URL's
 * connection overrides ask for more; 15 s in all — a minute without Kafka or without PostgreSQL during traffic loses
 * no webhook and no call, and a call whose final callbacks Twilio gave up on ends on every screen within the
 * reconciliation bound.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutagesTest {
    static final Duration OUTAGE = Duration.ofSeconds(60);
    static final Duration CALL_EVERY = Duration.ofSeconds(3);
    static final Duration RECONCILE_AFTER = Duration.ofSeconds(10);
    /** Kafka or PostgreSQL back, the services reconnected, and what waited worked through. */
    static final Duration RECOVERY = Duration.ofSeconds(120);
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String NUMBER = "+15005550006";

    static Stack stack;
    static AgentScreen doug;
    final List<String> placed = new ArrayList<>();

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("outages", o -> o.withKillableKafka(true)
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_RECONCILE_AFTER",
                        RECONCILE_AFTER.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "0s"));
        doug = AgentScreen.open(stack.baseUrl(Stack.Service.PRESENCE_GATEWAY), "acme", "doug");
        await().atMost(WAIT).until(doug::hasSnapshot);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, stack);
    }

    @AfterEach
    void hangUpWhatIsLeft() {
        placed.forEach(stack.simulator()::hangup);
        await().atMost(RECOVERY).until(() -> placed.stream().allMatch(call -> doug.call(call) == null));
    }

    @Test
    @Order(1)
    void aCallWhoseFinalCallbacksAreLostEndsOnEveryScreenWithinTheReconciliationBound() {
        String call = place("+15550300001");
        await().atMost(WAIT).until(() -> doug.rings(call));
        doug.ack("claim", call);
        await().atMost(WAIT).until(() -> doug.showsOnCall(call, "doug", null));

        stack.simulator().loseStatusCallbacks(call);
        long hungUp = System.nanoTime();
        stack.simulator().hangup(call);

        await().atMost(RECONCILE_AFTER.plus(WAIT))
                .until(() -> doug.call(call) == null && "available".equals(doug.agentField("doug", "status")));
        System.out.printf("a call whose final callbacks were lost left the screen %d ms after the caller hung up"
                + " (reconcile after %d s)%n", AgentScreen.since(hungUp, System.nanoTime()).toMillis(),
                RECONCILE_AFTER.toSeconds());
        assertThat(stack.simulator().deliveryFigures().lost()).as("callbacks Twilio gave up on").isPositive();
    }

    @Test
    @Order(2)
    void aMinuteWithoutKafkaLosesNoWebhookAndNoCall() {
        outage("Kafka", stack::killKafka, stack::startKafka);
    }

    @Test
    @Order(3)
    void aMinuteWithoutPostgresLosesNoWebhookAndNoCall() {
        outage("PostgreSQL", stack::killPostgres, stack::startPostgres);
    }

    /**
     * Calls come in all through the outage; every other caller hangs up while it rings. Once the part is back, the
     * screen rings for every caller still waiting and for none who left, and Twilio gave up on no webhook.
     */
    private void outage(String part, Runnable kill, Runnable start) {
        long givenUpBefore = stack.simulator().deliveryFigures().givenUp();
        List<String> waiting = new ArrayList<>();
        List<String> left = new ArrayList<>();
        kill.run();
        long down = System.nanoTime();
        try {
            for (int i = 0; AgentScreen.since(down, System.nanoTime()).compareTo(OUTAGE) < 0; i++) {
                String call = place(String.format("+1555031%04d", i));
                if (i % 2 == 1) {
                    pause(Duration.ofMillis(500));
                    stack.simulator().hangup(call);
                    left.add(call);
                } else {
                    waiting.add(call);
                }
                pause(CALL_EVERY);
            }
        } finally {
            start.run();
        }
        long back = System.nanoTime();

        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(waiting).allMatch(doug::rings));
        await().atMost(RECOVERY).untilAsserted(() -> assertThat(left).allMatch(call -> doug.call(call) == null));
        System.out.printf("%s away for %d s: %d calls waited, %d callers left; every one on the screen right %d ms"
                + " after it was back%n", part, AgentScreen.since(down, back).toSeconds(), waiting.size(), left.size(),
                AgentScreen.since(back, System.nanoTime()).toMillis());
        assertThat(stack.simulator().deliveryFigures().givenUp() - givenUpBefore)
                .as("webhooks Twilio gave up on while %s was away", part).isZero();
        assertThat(doug.seqViolations()).isEmpty();
    }

    private String place(String caller) {
        String call = stack.simulator().placeCall(caller, NUMBER);
        placed.add(call);
        return call;
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis()); // the pace of callers, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
