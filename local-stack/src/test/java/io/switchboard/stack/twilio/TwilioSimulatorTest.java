package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpMethod;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import io.switchboard.stack.FreePort;
import io.switchboard.stack.twilio.WebhookReceiver.Received;
import io.switchboard.stack.twilio.WebhookReceiver.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The simulator against a real HTTP application that checks signatures with twilio-java and answers TwiML the way
 * call-ingest does, and its REST API through twilio-java's own client.
 */
class TwilioSimulatorTest extends CallCenterOnTwilio {
    private static final String OTHER_NUMBER = "+15005550007";
    private static final String ENQUEUE = "<Response><Enqueue waitUrl=\"/twilio/voice/hold\">acme</Enqueue></Response>";

    @Override
    WebhookReceiver answers(WebhookReceiver receiver) {
        return receiver
                .on("/twilio/voice/incoming", r -> Reply.twiml(ENQUEUE))
                .on("/twilio/voice/hold", r -> Reply.twiml("<Response><Play loop=\"0\">https://example.test/hold.mp3</Play></Response>"))
                .on("/twilio/voice/dial-ended", r -> Reply.twiml("completed".equals(r.param("DialCallStatus"))
                        ? "<Response><Hangup/></Response>" : ENQUEUE));
    }

    @Test
    void anIncomingCallAsksTheVoiceUrlAndWaitsInTheQueue() {
        String caller = twilio.placeCall(CALLER, NUMBER);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        Received incoming = app.received("/twilio/voice/incoming").get(0);
        assertThat(incoming.params()).containsAllEntriesOf(Map.of("AccountSid", twilio.accountSid(),
                "ApiVersion", "2010-04-01", "CallSid", caller, "CallStatus", "ringing", "Direction", "inbound",
                "From", CALLER, "To", NUMBER, "Caller", CALLER, "Called", NUMBER, "CallerCountry", "US"));
        assertThat(incoming.method()).isEqualTo("POST");
        assertThat(incoming.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(incoming.userAgent()).isEqualTo("TwilioProxy/1.1");
        assertThat(incoming.idempotencyToken()).isNotBlank();
        assertThat(caller).matches("CA[0-9a-f]{32}");
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
        // The queue's wait URL is relative to the document it came in, as on Twilio.
        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/hold")).singleElement()
                .satisfies(hold -> assertThat(hold.params()).containsEntry("CallSid", caller)
                        .containsEntry("QueuePosition", "1").containsKey("QueueSid")));
    }

    @Test
    void aClaimDialsTheAgentReportsTheLegInOrderAndBridges() {
        String caller = enqueuedCall();

        Call updated = Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest);

        assertThat(updated.getSid()).isEqualTo(caller);
        assertThat(updated.getStatus()).isEqualTo(Call.Status.IN_PROGRESS);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("bridged:client:doug"));
        String leg = twilio.call(caller).agentLegSid();
        assertThat(leg).matches("CA[0-9a-f]{32}").isNotEqualTo(caller);
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(3));
        List<Received> callbacks = app.statusCallbacks(leg);
        assertThat(callbacks).extracting(r -> r.param("CallStatus"), r -> r.param("SequenceNumber"))
                .containsExactly(tuple("initiated", "0"), tuple("ringing", "1"), tuple("in-progress", "2"));
        assertThat(callbacks).allSatisfy(r -> {
            assertThat(r.url()).isEqualTo(app.url("/twilio/voice/status?tenant=acme"));
            assertThat(r.params()).containsAllEntriesOf(Map.of("ParentCallSid", caller, "Direction", "outbound-dial",
                    "From", CALLER, "To", "client:doug", "CallbackSource", "call-progress-events",
                    "AccountSid", twilio.accountSid(), "ApiVersion", "2010-04-01"));
            assertThat(r.param("Timestamp")).matches(RFC_2822);
        });
        assertThat(callbacks).extracting(Received::idempotencyToken).doesNotHaveDuplicates();
        assertThat(twilio.call(caller).agentLegStatus()).isEqualTo("in-progress");
        assertThat(twilio.call(leg).parentCallSid()).isEqualTo(caller);
    }

    @Test
    void theCallerHangingUpEndsTheBridgedLegAndReportsTheEnd() {
        String caller = bridgedCall("doug");
        String leg = twilio.call(caller).agentLegSid();

        twilio.hangup(caller);

        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).hasSize(1));
        Received end = app.statusCallbacks(caller).get(0);
        assertThat(end.url()).isEqualTo(app.url("/twilio/voice/status"));
        assertThat(end.params()).containsEntry("CallStatus", "completed").containsEntry("SequenceNumber", "0")
                .containsEntry("Direction", "inbound").containsKey("CallDuration");
        assertThat(end.param("Timestamp")).matches(RFC_2822);
        Received legEnd = app.statusCallbacks(leg).get(3);
        assertThat(legEnd.params()).containsEntry("CallStatus", "completed").containsEntry("SequenceNumber", "3")
                .containsKey("CallDuration");
        // One conversation's webhooks arrive in the order they happened.
        assertThat(app.received()).extracting(r -> r.path() + " " + r.param("CallSid").equals(leg) + " "
                + r.param("CallStatus")).containsExactly(
                        "/twilio/voice/incoming false ringing",
                        "/twilio/voice/hold false in-progress",
                        "/twilio/voice/status true initiated",
                        "/twilio/voice/status true ringing",
                        "/twilio/voice/status true in-progress",
                        "/twilio/voice/status true completed",
                        "/twilio/voice/status false completed");
        assertThat(app.received("/twilio/voice/dial-ended")).isEmpty();
        assertThat(twilio.call(caller).status()).isEqualTo("completed");
        assertThat(twilio.call(caller).activity()).isEqualTo("ended");
        assertThat(twilio.call(leg).status()).isEqualTo("completed");
    }

    @Test
    void theAgentHangingUpEndsTheDialAndItsActionHangsUpTheCaller() {
        String caller = bridgedCall("doug");
        String leg = twilio.call(caller).agentLegSid();

        twilio.hangup(leg);

        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).hasSize(1));
        Received dialEnded = app.received("/twilio/voice/dial-ended").get(0);
        assertThat(dialEnded.url()).isEqualTo(app.url("/twilio/voice/dial-ended?tenant=acme"));
        assertThat(dialEnded.params()).containsEntry("CallSid", caller).containsEntry("DialCallSid", leg)
                .containsEntry("DialCallStatus", "completed").containsKey("DialCallDuration");
        assertThat(app.statusCallbacks(caller).get(0).param("CallStatus")).isEqualTo("completed");
        assertThat(twilio.call(caller).status()).isEqualTo("completed");
    }

    @Test
    void anAgentWhoDeclinesMakesTheDialBusyAndTheCallerWaitsAgain() {
        twilio.answerMode("doug", AnswerMode.REJECT);
        String caller = enqueuedCall();

        Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/dial-ended")).hasSize(1));
        String leg = twilio.call(caller).agentLegSid();
        assertThat(app.received("/twilio/voice/dial-ended").get(0).params())
                .containsEntry("DialCallStatus", "busy").containsEntry("DialCallSid", leg)
                .containsEntry("DialCallDuration", "0").containsEntry("CallSid", caller);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus"))
                .containsExactly("initiated", "ringing", "busy");
        assertThat(twilio.call(leg).status()).isEqualTo("busy");
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
    }

    @Test
    void anAgentWhoNeverAnswersLetsTheDialTimeOut() {
        twilio.answerMode("doug", AnswerMode.IGNORE);
        String caller = enqueuedCall();

        Call.updater(caller).setTwiml(dialTwiml("doug", 1)).update(rest);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/dial-ended")).hasSize(1));
        assertThat(app.received("/twilio/voice/dial-ended").get(0).param("DialCallStatus")).isEqualTo("no-answer");
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        assertThat(twilio.call(twilio.call(caller).agentLegSid()).status()).isEqualTo("no-answer");
    }

    @Test
    void theCallerHangingUpWhileTheAgentRingsCancelsTheLeg() {
        twilio.answerMode("doug", AnswerMode.IGNORE);
        String caller = enqueuedCall();
        Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest);
        String leg = twilio.call(caller).agentLegSid();
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(2));

        twilio.hangup(caller);

        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).hasSize(1));
        assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus"))
                .containsExactly("initiated", "ringing", "canceled");
        assertThat(app.received("/twilio/voice/dial-ended")).isEmpty();
    }

    @Test
    void parkingABridgedCallEndsTheAgentsLegWithoutTheDialAction() {
        String caller = bridgedCall("doug");
        String leg = twilio.call(caller).agentLegSid();

        Call.updater(caller).setTwiml("<Response><Enqueue>acme-parked</Enqueue></Response>").update(rest);

        assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-parked");
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(4));
        assertThat(app.statusCallbacks(leg).get(3).param("CallStatus")).isEqualTo("completed");
        assertThat(app.received("/twilio/voice/dial-ended")).isEmpty();
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
    }

    @Test
    void aRestUrlIsFetchedSignedAndRun() {
        app.on("/twilio/voice/park", r -> Reply.twiml("<Response><Say>Please hold</Say><Enqueue>acme-parked</Enqueue></Response>"));
        String caller = enqueuedCall();

        Call.updater(caller).setUrl(app.url("/twilio/voice/park?tenant=acme")).setMethod(HttpMethod.GET).update(rest);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-parked"));
        Received fetch = app.received("/twilio/voice/park").get(0);
        assertThat(fetch.method()).isEqualTo("GET");
        assertThat(fetch.params()).containsEntry("tenant", "acme").containsEntry("CallSid", caller)
                .containsEntry("CallStatus", "in-progress");
    }

    @Test
    void restStatusCompletedHangsTheCallUp() {
        String caller = enqueuedCall();

        Call ended = Call.updater(caller).setStatus(Call.UpdateStatus.COMPLETED).update(rest);

        assertThat(ended.getStatus()).isEqualTo(Call.Status.COMPLETED);
        assertThat(ended.getEndTime()).isNotNull();
        assertThat(ended.getDuration()).isNotNull();
        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).singleElement()
                .satisfies(r -> assertThat(r.param("CallStatus")).isEqualTo("completed")));
    }

    @Test
    void aRejectedIncomingCallEndsBusy() {
        app.on("/twilio/voice/incoming", r -> Reply.twiml("<Response><Reject/></Response>"));

        String caller = twilio.placeCall(CALLER, NUMBER);

        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).singleElement()
                .satisfies(r -> assertThat(r.param("CallStatus")).isEqualTo("busy")));
        assertThat(twilio.call(caller).status()).isEqualTo("busy");
    }

    @Test
    void aWebhookWhoseUrlAsksForItIsSentAgainAfterA500WithTheSameIdempotencyToken() {
        AtomicInteger deliveries = new AtomicInteger();
        app.on("/twilio/voice/incoming", r -> deliveries.getAndIncrement() == 0 ? new Reply(500, "") : Reply.twiml(ENQUEUE));
        // Twilio retries a 5xx only when the URL's connection overrides say so.
        twilio.addNumber(OTHER_NUMBER, app.url("/twilio/voice/incoming#rp=5xx"), app.url("/twilio/voice/status"));

        String caller = twilio.placeCall(CALLER, OTHER_NUMBER);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        List<Received> incoming = app.received("/twilio/voice/incoming");
        assertThat(incoming).hasSize(2);
        assertThat(incoming.get(1).idempotencyToken()).isEqualTo(incoming.get(0).idempotencyToken());
        assertThat(twilio.call(caller).webhooks("incoming", caller))
                .extracting(WebhookAttempt::attempt, WebhookAttempt::httpStatus, WebhookAttempt::url)
                .containsExactly(tuple(1, 500, app.url("/twilio/voice/incoming")),
                        tuple(2, 200, app.url("/twilio/voice/incoming")));
    }

    @Test
    void aWebhookNobodyAnswersIsTriedAgainAndThenGivenUp() {
        int closedPort = FreePort.find();
        try (TwilioSimulator lonely = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, "http://localhost:" + closedPort + "/twilio/voice/incoming#rc=2", null))) {
            String caller = lonely.placeCall(CALLER, NUMBER);

            await().untilAsserted(() -> assertThat(lonely.call(caller).status()).isEqualTo("failed"));
            List<WebhookAttempt> attempts = lonely.call(caller).webhooks("incoming", caller);
            assertThat(attempts).extracting(WebhookAttempt::attempt).containsExactly(1, 2, 3);
            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.httpStatus()).isZero();
                assertThat(a.error()).isNotBlank();
                assertThat(a.idempotencyToken()).isEqualTo(attempts.get(0).idempotencyToken());
            });
            assertThat(lonely.deliveryFigures().givenUp()).isEqualTo(1);
            assertThat(lonely.deliveryFigures().retries()).isEqualTo(2);
        }
    }

    @Test
    void twilioJavaReadsTheCallResource() throws Exception {
        String caller = bridgedCall("doug");
        String leg = twilio.call(caller).agentLegSid();

        HttpResponse<java.io.InputStream> raw = http.send(restGet(caller, twilio.authToken()),
                HttpResponse.BodyHandlers.ofInputStream());
        Call call = Call.fromJson(raw.body(), new ObjectMapper());
        Call fetchedLeg = Call.fetcher(leg).fetch(rest);

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(call.getSid()).isEqualTo(caller);
        assertThat(call.getAccountSid()).isEqualTo(twilio.accountSid());
        assertThat(call.getParentCallSid()).isNull();
        assertThat(call.getFrom()).isEqualTo(CALLER);
        assertThat(call.getFromFormatted()).isEqualTo("(555) 123-0000");
        assertThat(call.getTo()).isEqualTo(NUMBER);
        assertThat(call.getToFormatted()).isEqualTo("(500) 555-0006");
        assertThat(call.getStatus()).isEqualTo(Call.Status.IN_PROGRESS);
        assertThat(call.getDirection()).isEqualTo("inbound");
        assertThat(call.getApiVersion()).isEqualTo("2010-04-01");
        assertThat(call.getStartTime()).isAfter(ZonedDateTime.now().minusMinutes(1));
        assertThat(call.getDateCreated()).isNotNull();
        assertThat(call.getDateUpdated()).isNotNull();
        assertThat(call.getEndTime()).isNull();
        assertThat(call.getDuration()).isNull();
        assertThat(call.getPriceUnit()).isEqualTo(Currency.getInstance("USD"));
        assertThat(call.getUri()).isEqualTo("/2010-04-01/Accounts/" + twilio.accountSid() + "/Calls/" + caller + ".json");
        assertThat(call.getSubresourceUris()).containsKey("notifications");
        assertThat(fetchedLeg.getParentCallSid()).isEqualTo(caller);
        assertThat(fetchedLeg.getDirection()).isEqualTo("outbound-dial");
        assertThat(fetchedLeg.getTo()).isEqualTo("client:doug");
        assertThat(fetchedLeg.getStatus()).isEqualTo(Call.Status.IN_PROGRESS);
    }

    @Test
    void wrongCredentialsGet401WithTwiliosError() throws Exception {
        String caller = enqueuedCall();
        TwilioRestClient intruder = new TwilioRestClient.Builder(twilio.accountSid(), "not-the-token")
                .httpClient(new SimulatorHttpClient(twilio.baseUrl()))
                .build();

        HttpResponse<String> raw = http.send(restGet(caller, "not-the-token"), HttpResponse.BodyHandlers.ofString());

        assertThat(raw.statusCode()).isEqualTo(401);
        assertThat(json.readValue(raw.body(), Map.class)).isEqualTo(Map.of("code", 20003, "message", "Authenticate",
                "more_info", "https://www.twilio.com/docs/errors/20003", "status", 401));
        assertThatThrownBy(() -> Call.updater(caller).setStatus(Call.UpdateStatus.COMPLETED).update(intruder))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20003));
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
    }

    @Test
    void anApiKeyAuthenticatesToo() {
        try (TwilioSimulator keyed = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, app.url("/twilio/voice/incoming"), app.url("/twilio/voice/status"))
                .withApiKey("SK00000000000000000000000000000001", "key-secret"))) {
            String caller = keyed.placeCall(CALLER, NUMBER);
            TwilioRestClient client = new TwilioRestClient.Builder("SK00000000000000000000000000000001", "key-secret")
                    .accountSid(keyed.accountSid())
                    .httpClient(new SimulatorHttpClient(keyed.baseUrl()))
                    .build();

            assertThat(Call.fetcher(caller).fetch(client).getSid()).isEqualTo(caller);
        }
    }

    @Test
    void anUnknownCallIs404() throws Exception {
        String unknown = "CA" + "0".repeat(32);

        HttpResponse<String> raw = http.send(restGet(unknown, twilio.authToken()), HttpResponse.BodyHandlers.ofString());

        assertThat(raw.statusCode()).isEqualTo(404);
        assertThat(json.readValue(raw.body(), Map.class)).isEqualTo(Map.of("code", 20404,
                "message", "The requested resource /2010-04-01/Accounts/" + twilio.accountSid() + "/Calls/"
                        + unknown + ".json was not found",
                "more_info", "https://www.twilio.com/docs/errors/20404", "status", 404));
        assertThatThrownBy(() -> Call.updater(unknown).setTwiml("<Response><Hangup/></Response>").update(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(20404);
                    assertThat(e.getStatusCode()).isEqualTo(404);
                });
    }

    @Test
    void redirectingACompletedCallIs21220() {
        String caller = enqueuedCall();
        twilio.hangup(caller);

        assertThatThrownBy(() -> Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(21220);
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Call is not in-progress. Cannot redirect.");
                });
        assertThatThrownBy(() -> Call.updater(caller).setUrl(app.url("/twilio/voice/park")).update(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(21220));
        assertThat(Call.updater(caller).setStatus(Call.UpdateStatus.COMPLETED).update(rest).getStatus())
                .isEqualTo(Call.Status.COMPLETED);
    }

    @Test
    void theControlApiWorksOverHttp() throws Exception {
        HttpResponse<String> placed = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/calls"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + CALLER + "\",\"to\":\"" + NUMBER + "\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        String caller = json.readTree(placed.body()).get("callSid").asText();
        HttpResponse<String> declined = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/clients/doug"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"answer\":\"reject\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(placed.statusCode()).isEqualTo(201);
        assertThat(declined.statusCode()).isEqualTo(200);
        assertThat(twilio.answerMode("doug")).isEqualTo(AnswerMode.REJECT);
        await().untilAsserted(() -> assertThat(json.readTree(get("/sim/calls/" + caller).body()).get("activity").asText())
                .isEqualTo("enqueued:acme"));
        var view = json.readTree(get("/sim/calls/" + caller).body());
        assertThat(view.get("status").asText()).isEqualTo("in-progress");
        assertThat(view.get("webhooks").get(0).get("httpStatus").asInt()).isEqualTo(200);

        HttpResponse<String> hungUp = http.send(HttpRequest.newBuilder(
                URI.create(twilio.baseUrl() + "/sim/calls/" + caller + "/hangup")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(hungUp.statusCode()).isEqualTo(200);
        assertThat(json.readTree(hungUp.body()).get("status").asText()).isEqualTo("completed");
        assertThat(get("/sim/calls/CAnope").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/calls"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + CALLER + "\",\"to\":\"+15550000000\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).contains("+15550000000");
    }

    @Test
    void everyRestAnswerTakesTheLatencyTheSimulatorWasStartedWith() {
        Duration latency = Duration.ofMillis(400);
        try (TwilioSimulator slow = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, app.url("/twilio/voice/incoming"), app.url("/twilio/voice/status"))
                .withApiLatency(latency))) {
            TwilioRestClient client = new TwilioRestClient.Builder(slow.accountSid(), slow.authToken())
                    .httpClient(new SimulatorHttpClient(slow.baseUrl()))
                    .build();
            String caller = slow.placeCall(CALLER, NUMBER);
            await().untilAsserted(() -> assertThat(slow.call(caller).activity()).isEqualTo("enqueued:acme"));

            assertThat(slow.apiLatency()).isEqualTo(latency);
            assertThat(timed(() -> Call.fetcher(caller).fetch(client))).isGreaterThanOrEqualTo(latency);
            assertThat(timed(() -> Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(client)))
                    .isGreaterThanOrEqualTo(latency);
            assertThat(timed(() -> assertThatThrownBy(() -> Call.fetcher("CA" + "0".repeat(32)).fetch(client))
                    .isInstanceOf(ApiException.class))).isGreaterThanOrEqualTo(latency);
        }
    }

    @Test
    void concurrentRestCallsWaitTheirLatencySideBySide() throws Exception {
        String first = enqueuedCall();
        String second = enqueuedCall();
        Call.fetcher(first).fetch(rest); // twilio-java's classes loaded and a connection open before the clock runs
        Duration latency = Duration.ofSeconds(1);
        twilio.apiLatency(latency);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            Future<Long> one = callers.submit(() -> endOf(() -> Call.fetcher(first).fetch(rest)));
            Future<Long> other = callers.submit(() -> endOf(() -> Call.fetcher(second).fetch(rest)));
            Duration lastAnswer = Duration.ofNanos(Math.max(one.get(), other.get()) - start);

            // Answered one after the other, the second would come after two latencies at the earliest.
            assertThat(lastAnswer).isGreaterThanOrEqualTo(latency).isLessThan(latency.multipliedBy(2));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theWebhooksAChangeCausesCanOvertakeItsAnswer() {
        String caller = enqueuedCall();
        twilio.apiLatency(Duration.ofSeconds(2));

        Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest);

        // The change happened halfway through the round trip, and the agent's leg rang while the answer travelled.
        String leg = twilio.call(caller).agentLegSid();
        assertThat(leg).isNotNull();
        assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus")).startsWith("initiated");
    }

    @Test
    void whileTheApiIsDownEveryRequestIsAnswered503AndNothingChanges() {
        String caller = enqueuedCall();
        twilio.apiDown(true);
        try {
            assertThatThrownBy(() -> Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getStatusCode()).isEqualTo(503);
                        assertThat(e.getCode()).isEqualTo(20503);
                    });
            assertThat(twilio.call(caller).agentLegSid()).as("no agent dialled").isNull();
        } finally {
            twilio.apiDown(false);
        }

        Call.updater(caller).setTwiml(dialTwiml("doug", 20)).update(rest);
        assertThat(twilio.call(caller).agentLegSid()).isNotNull();
    }

    @Test
    void theLatencyComesFromASystemPropertyAndBadValuesAreRefused() {
        String before = System.getProperty(TwilioSimulator.Config.LATENCY_PROPERTY);
        try {
            System.clearProperty(TwilioSimulator.Config.LATENCY_PROPERTY);
            assertThat(TwilioSimulator.Config.defaults().apiLatency()).isZero();
            System.setProperty(TwilioSimulator.Config.LATENCY_PROPERTY, "200ms");
            assertThat(TwilioSimulator.Config.defaults().apiLatency()).isEqualTo(Duration.ofMillis(200));
            System.setProperty(TwilioSimulator.Config.LATENCY_PROPERTY, "200");
            assertThatThrownBy(TwilioSimulator.Config::defaults).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dtwilio.simulator.latency").hasMessageContaining("200ms");
        } finally {
            if (before == null) {
                System.clearProperty(TwilioSimulator.Config.LATENCY_PROPERTY);
            } else {
                System.setProperty(TwilioSimulator.Config.LATENCY_PROPERTY, before);
            }
        }
        assertThatThrownBy(() -> TwilioSimulator.Config.defaults().withApiLatency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static long endOf(Runnable call) {
        call.run();
        return System.nanoTime();
    }

    private String enqueuedCall() {
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        return caller;
    }

    private String bridgedCall(String agent) {
        String caller = enqueuedCall();
        Call.updater(caller).setTwiml(dialTwiml(agent, 20)).update(rest);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("bridged:client:" + agent));
        String leg = twilio.call(caller).agentLegSid();
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(3));
        return caller;
    }

    /** What call-state sends when an agent claims a call. */
    private String dialTwiml(String agent, int timeoutSeconds) {
        return "<Response><Dial answerOnBridge=\"true\" timeout=\"" + timeoutSeconds + "\" action=\""
                + app.url("/twilio/voice/dial-ended?tenant=acme").replace("&", "&amp;") + "\">"
                + "<Client statusCallback=\"" + app.url("/twilio/voice/status?tenant=acme") + "\" "
                + "statusCallbackEvent=\"initiated ringing answered completed\">" + agent + "</Client></Dial></Response>";
    }

    private HttpRequest restGet(String callSid, String token) {
        String credentials = twilio.accountSid() + ":" + token;
        return HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/2010-04-01/Accounts/" + twilio.accountSid()
                        + "/Calls/" + callSid + ".json"))
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .GET().build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
