package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.stack.twilio.WebhookReceiver.Received;
import io.switchboard.stack.twilio.WebhookReceiver.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's misbehaviour on demand: webhooks delivered twice, status callbacks out of order, and the count. */
class TwilioFaultsTest {
    private static final String CALLER = "+15551230000";
    private static final String NUMBER = "+15005550006";
    private static final String ENQUEUE = "<Response><Enqueue>acme</Enqueue></Response>";

    private WebhookReceiver app;
    private TwilioSimulator twilio;

    private void start(Faults faults) throws IOException {
        app = new WebhookReceiver(TwilioSimulator.Config.DEFAULT_AUTH_TOKEN)
                .on("/twilio/voice/incoming", r -> Reply.twiml(ENQUEUE));
        twilio = TwilioSimulator.start(TwilioSimulator.Config.defaults().withFaults(faults)
                .withNumber(NUMBER, app.url("/twilio/voice/incoming"), app.url("/twilio/voice/status")));
    }

    @AfterEach
    void stop() {
        twilio.close();
        app.close();
    }

    @Test
    void byDefaultEveryWebhookArrivesOnceAndInOrder() throws Exception {
        start(Faults.NONE);
        String caller = talkedAndHungUp();

        String leg = twilio.call(caller).agentLegSid();
        assertThat(sequence(app.statusCallbacks(leg))).isEqualTo("0 1 2 3");
        assertThat(app.received("/twilio/voice/incoming")).hasSize(1);
        // The app has the last callback a moment before the simulator has read its answer and counted it.
        await().untilAsserted(() -> assertThat(twilio.deliveryFigures().acknowledged())
                .isEqualTo(app.received().size()));
        Faults.Figures figures = twilio.deliveryFigures();
        assertThat(figures.duplicates()).isZero();
        assertThat(figures.reorders()).isZero();
    }

    @Test
    void aDuplicatedWebhookArrivesTwiceWithTheSameParametersAndIsCounted() throws Exception {
        start(new Faults(1.0, 0, Duration.ofMillis(50), 7));
        String caller = talkedAndHungUp();

        String leg = twilio.call(caller).agentLegSid();
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(8));
        assertThat(app.statusCallbacks(leg).stream().collect(Collectors.groupingBy(r -> r.param("SequenceNumber"),
                Collectors.counting()))).containsOnlyKeys("0", "1", "2", "3").allSatisfy((seq, n) -> assertThat(n)
                .isEqualTo(2));
        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/incoming")).hasSize(2));
        assertThat(app.received("/twilio/voice/incoming")).extracting(Received::idempotencyToken).containsOnly(
                app.received("/twilio/voice/incoming").get(0).idempotencyToken());
        // The second answer to the incoming call's fetch is not used: the caller waited in the queue once.
        assertThat(twilio.call(caller).status()).isEqualTo("completed");
        await().untilAsserted(() -> assertThat(twilio.deliveryFigures().duplicates())
                .isEqualTo(app.received().size() / 2));
    }

    @Test
    void heldBackStatusCallbacksArriveOutOfOrderAndAreCounted() throws Exception {
        start(new Faults(0, 1.0, Duration.ofMillis(300), 11));
        List<String> legs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            legs.add(twilio.call(talkedAndHungUp()).agentLegSid());
        }

        await().untilAsserted(() -> assertThat(legs).allSatisfy(leg -> assertThat(app.statusCallbacks(leg))
                .hasSize(4)));
        long outOfOrder = legs.stream().filter(leg -> !sequence(app.statusCallbacks(leg)).equals("0 1 2 3")).count();
        assertThat(outOfOrder).as("legs whose callbacks arrived out of order").isPositive();
        assertThat(twilio.deliveryFigures().reorders()).isPositive();
    }

    @Test
    void generousRetriesCarryAWebhookThroughTwo503s() throws Exception {
        start(Faults.NONE.withGenerousRetries(3, Duration.ofMillis(20)));
        AtomicInteger tries = new AtomicInteger();
        app.on("/twilio/voice/incoming", r -> tries.getAndIncrement() < 2 ? new Reply(503, "") : Reply.twiml(ENQUEUE));

        String caller = twilio.placeCall(CALLER, NUMBER);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        assertThat(twilio.call(caller).webhooks("incoming", caller)).extracting(WebhookAttempt::httpStatus)
                .containsExactly(503, 503, 200);
        assertThat(twilio.deliveryFigures().retries()).isEqualTo(2);
        assertThat(twilio.deliveryFigures().givenUp()).isZero();
    }

    @Test
    void withoutGenerousRetriesTwilioGivesUpOnA503AtOnce() throws Exception {
        start(Faults.NONE);
        AtomicInteger tries = new AtomicInteger();
        app.on("/twilio/voice/incoming", r -> tries.getAndIncrement() < 2 ? new Reply(503, "") : Reply.twiml(ENQUEUE));

        String caller = twilio.placeCall(CALLER, NUMBER);

        await().untilAsserted(() -> assertThat(twilio.call(caller).status()).isEqualTo("failed"));
        assertThat(twilio.call(caller).webhooks("incoming", caller)).extracting(WebhookAttempt::httpStatus)
                .containsExactly(503);
        assertThat(twilio.deliveryFigures().retries()).isZero();
        assertThat(twilio.deliveryFigures().givenUp()).isEqualTo(1);
    }

    @Test
    void generousRetriesIgnoreTheFragmentAndTwiliosTotalTime() throws Exception {
        app = new WebhookReceiver(TwilioSimulator.Config.DEFAULT_AUTH_TOKEN);
        AtomicInteger tries = new AtomicInteger();
        app.on("/twilio/voice/incoming", r -> tries.getAndIncrement() < 3 ? new Reply(404, "") : Reply.twiml(ENQUEUE));
        twilio = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withFaults(Faults.NONE.withGenerousRetries(5, Duration.ofMillis(100)))
                .withNumber(NUMBER, app.url("/twilio/voice/incoming#rc=0&tt=100"), null));

        String caller = twilio.placeCall(CALLER, NUMBER);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        List<WebhookAttempt> attempts = twilio.call(caller).webhooks("incoming", caller);
        assertThat(attempts).extracting(WebhookAttempt::httpStatus).containsExactly(404, 404, 404, 200);
        // Pauses of 100, 200 and 400 ms, well past tt.
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(3).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(700));
    }

    /** A caller queued, bridged to doug, and hung up; returns the caller's call sid. */
    @Test
    void aCallWhoseCallbacksAreLostEndsAtTwilioWithoutTellingTheApplication() throws Exception {
        start(Faults.NONE);
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));

        twilio.loseStatusCallbacks(caller);
        twilio.hangup(caller);

        assertThat(twilio.call(caller).status()).as("Twilio's own record").isEqualTo("completed");
        await().untilAsserted(() -> assertThat(twilio.deliveryFigures().lost()).isEqualTo(1));
        assertThat(app.statusCallbacks(caller)).isEmpty();
    }

    private String talkedAndHungUp() {
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        try {
            twilio.updateTwiml(caller, "<Response><Dial answerOnBridge=\"true\"><Client statusCallback=\""
                    + app.url("/twilio/voice/status") + "\" statusCallbackEvent=\"initiated ringing answered completed\">"
                    + "doug</Client></Dial></Response>");
        } catch (Twiml.TwimlException e) {
            throw new AssertionError(e);
        }
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("bridged:client:doug"));
        assertThat(twilio.call(caller).bridgedTo()).isEqualTo("client:doug");
        twilio.hangup(caller);
        String leg = twilio.call(caller).agentLegSid();
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSizeGreaterThanOrEqualTo(4));
        return caller;
    }

    private static String sequence(List<Received> callbacks) {
        return callbacks.stream().map(r -> r.param("SequenceNumber")).collect(Collectors.joining(" "));
    }
}
