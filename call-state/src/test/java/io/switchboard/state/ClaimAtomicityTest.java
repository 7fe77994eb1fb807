package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.state.core.Input;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Two replicas' worth of consumers claim the same call at the same instant, straight into the transaction that
 * decides (no Kafka in between to serialize them): Postgres lets exactly one win, every time.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class ClaimAtomicityTest {
    static final int ROUNDS = 50;

    @Inject
    CallDesk desk;

    @Test
    void exactlyOneOfTwoSimultaneousClaimsWins() throws Exception {
        SwitchboardTestResource.postgres().seed();
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // A call Twilio has: the winner's connect goes through, and the winner stays busy on it.
                String call = TwilioSimulatorResource.simulator().placeCall("+15551230000",
                        TwilioSimulatorResource.NUMBER);
                await().atMost(Duration.ofSeconds(15)).until(() -> TwilioSimulatorResource.simulator().call(call)
                        .activity().equals("enqueued:acme"));
                desk.handle("acme", "incoming:" + call, new Input.RingIncoming(call, "+15551230000", "+15005550006",
                        Instant.now()), null);
                CyclicBarrier sameInstant = new CyclicBarrier(2);
                var doug = CompletableFuture.supplyAsync(() -> claim(call, "doug", sameInstant), replicas);
                var rhonda = CompletableFuture.supplyAsync(() -> claim(call, "rhonda", sameInstant), replicas);
                List<CallDesk.Outcome> outcomes = List.of(doug.get(), rhonda.get());

                assertThat(outcomes).filteredOn(o -> !o.decision().rejected()).as("winners of round %d", round)
                        .hasSize(1);
                assertThat(outcomes).filteredOn(o -> o.decision().rejected())
                        .extracting(o -> o.decision().rejection().code().wire()).containsExactly("already_claimed");
                try (var c = SwitchboardTestResource.postgres().connect()) {
                    var rs = c.createStatement().executeQuery(
                            "SELECT count(*) FROM voip_users WHERE tenant_id = 'acme' AND status = 'busy'");
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                // The caller leaves; the winner is free for the next round.
                TwilioSimulatorResource.simulator().hangup(call);
                desk.handle("acme", "status:" + call, new Input.CallerLegStatus(call, "+15551230000", "+15005550006",
                        TwilioCallStatus.COMPLETED, Instant.now()), null);
            }
        } finally {
            replicas.shutdownNow();
        }
    }

    private CallDesk.Outcome claim(String call, String agent, CyclicBarrier sameInstant) {
        try {
            sameInstant.await();
            return desk.handle("acme", "claim:" + call + ":" + agent, new Input.Claim(call, agent, Instant.now()),
                    agent);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
