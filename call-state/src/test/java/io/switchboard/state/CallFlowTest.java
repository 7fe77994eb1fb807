package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.Json;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.Probe;
import io.switchboard.contract.Topics;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.KafkaProbe;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.TestSpans;
import io.switchboard.stack.twilio.AnswerMode;
import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.state.core.TwilioAction;
import io.switchboard.state.twilio.TwilioCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * call-state against real Kafka, real Postgres and the Twilio simulator: the tests publish what call-ingest and
 * the gateway would publish, and read what call-state publishes and what Twilio was asked to do.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class CallFlowTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String CALLER = "+15551230000";
    static KafkaProbe kafka;

    @Inject
    TwilioCalls twilioCalls;
    @Inject
    TestSpans spans;

    @BeforeAll
    static void tapKafka() {
        kafka = KafkaProbe.of(SwitchboardTestResource.kafka().bootstrapServers(), Topics.STATE_CHANGES,
                Topics.AGENT_REPLIES, "switchboard.dead-letters");
    }

    @AfterAll
    static void closeKafka() {
        kafka.close();
    }

    @BeforeEach
    void seed() {
        // call-state applied the migrations at start-up; the seed tenant goes on top.
        SwitchboardTestResource.postgres().seed();
        sim().answerMode(client("doug"), AnswerMode.AUTO);
        sim().answerMode(client("rhonda"), AnswerMode.AUTO);
    }

    @Test
    void migrationsAreAppliedAtStartUp() throws Exception {
        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void aCallRingsIsClaimedOnceConnectsAndEnds() throws Exception {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");

        // Doug and Rhonda answer at the same moment: one wins, the other is told who did.
        String dougsClaim = claim(call, "doug");
        String rhondasClaim = claim(call, "rhonda");
        JsonNode first = reply(dougsClaim);
        JsonNode second = reply(rhondasClaim);
        List<JsonNode> replies = List.of(first, second);
        assertThat(replies).filteredOn(r -> r.get("code").isNull()).hasSize(1);
        assertThat(replies).filteredOn(r -> "already_claimed".equals(r.get("code").asText())).hasSize(1);
        String winner = first.get("code").isNull() ? "doug" : "rhonda";

        JsonNode claimed = change(call, "call", "CLAIMED");
        assertThat(claimed.at("/call/agentId").asText()).isEqualTo(winner);
        JsonNode cancel = change(call, "ring_cancel", null);
        assertThat(cancel.get("reason").asText()).isEqualTo("claimed");
        assertThat(cancel.get("by").asText()).isEqualTo(winner);
        assertThat(cancel.get("seq").asLong()).isEqualTo(claimed.get("seq").asLong() + 1);

        // Twilio was asked to take the caller out of the queue into the call's conference and to ring the winner's
        // client into it, which answers.
        await().atMost(WAIT).until(() -> talking(call, winner));
        String leg = legOf(call, winner);
        publish(new TwilioEvent.CallStatusChanged("status:" + leg + ":2", "acme", call, leg,
                TwilioCallStatus.IN_PROGRESS, 2, Instant.now(), "outbound-dial", CALLER, "client:" + client(winner),
                winner, Instant.now()));
        JsonNode connected = change(call, "call", "CONNECTED");
        assertThat(connected.at("/call/answeredAt").isTextual()).isTrue();
        JsonNode onCall = kafka.await(Topics.STATE_CHANGES, v -> v.contains("\"currentCall\":{\"callSid\":\"" + call),
                1, WAIT).stream().map(CallFlowTest::read).findFirst().orElseThrow();
        assertThat(onCall.at("/agent/id").asText()).isEqualTo(winner);
        assertThat(onCall.at("/agent/currentCall/phoneNumber").asText()).isEqualTo(CALLER);

        // The caller hangs up: the call ends and the agent is free again.
        publishCallerEnd(call);
        change(call, "call", "ENDED");
        await().atMost(WAIT).until(() -> agentCurrentCall(winner) == null);
        assertThat(activeCall(call)).isFalse();
    }

    @Test
    void aCallerNobodyAnswersInTimeLeavesAVoicemailThatOneAgentTakesAndCloses() throws Exception {
        SwitchboardTestResource.postgres().execute(
                "INSERT INTO call_handling (tenant_id, max_wait_seconds) VALUES ('acme', 2)");
        try {
            String call = placeCall();
            publishIncoming(call);
            JsonNode ringing = change(call, "call", "RINGING");
            Instant waitUntil = Instant.parse(ringing.at("/call/waitUntil").asText());
            assertThat(waitUntil).isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3));

            // Nobody claims it: at the limit every screen stops ringing, and Twilio sends the caller to voicemail.
            assertThat(change(call, "ring_cancel", null).get("reason").asText()).isEqualTo("timeout");
            change(call, "call", "VOICEMAIL");
            await().atMost(WAIT).until(() -> sim().call(call).webhooks().stream().anyMatch(w ->
                    w.url().contains(VoiceWebhooks.path(VoiceWebhooks.VOICEMAIL) + "?tenant=acme&call=" + call)));

            // Twilio reports the recording; every screen gets the voicemail.
            String recording = sim().storeRecording(call, 7).sid();
            publish(new TwilioEvent.RecordingStored("recording:" + recording, "acme", call, recording,
                    sim().recording(recording).url(), "completed", 7, CALLER, TwilioSimulatorResource.NUMBER,
                    Instant.now()));
            JsonNode left = voicemailChange(recording, "open");
            assertThat(left.at("/voicemail/durationSeconds").asInt()).isEqualTo(7);
            assertThat(left.at("/voicemail/from").asText()).isEqualTo(CALLER);

            // Doug and Rhonda take it at the same moment: one wins.
            String dougs = voicemailCommand(recording, "doug", AgentCommand.Type.TAKE_VOICEMAIL);
            String rhondas = voicemailCommand(recording, "rhonda", AgentCommand.Type.TAKE_VOICEMAIL);
            List<JsonNode> replies = List.of(reply(dougs), reply(rhondas));
            assertThat(replies).filteredOn(r -> r.get("code").isNull()).hasSize(1);
            assertThat(replies).filteredOn(r -> "already_taken".equals(r.get("code").asText())).hasSize(1);
            String taker = replies.get(0).get("code").isNull() ? "doug" : "rhonda";
            assertThat(voicemailChange(recording, "taken").at("/voicemail/takenBy").asText()).isEqualTo(taker);

            assertThat(reply(voicemailCommand(recording, taker, AgentCommand.Type.VOICEMAIL_DONE)).get("code").isNull())
                    .isTrue();
            voicemailChange(recording, "done");
            assertThat(queryOne("SELECT done_at IS NOT NULL FROM voicemails WHERE id = '" + recording + "'"))
                    .isEqualTo("t");

            publishCallerEnd(call);
            change(call, "call", "ENDED");
            assertThat(queryOne("SELECT outcome FROM call_history WHERE call_sid = '" + call + "'"))
                    .isEqualTo("voicemail");
        } finally {
            SwitchboardTestResource.postgres().execute("DELETE FROM call_handling WHERE tenant_id = 'acme'");
        }
    }

    @Test
    void aVoicemailWhoseRecordingCallbackTwilioGaveUpOnIsFoundAtTwilioWhenTheCallEnds() throws Exception {
        SwitchboardTestResource.postgres().execute(
                "INSERT INTO call_handling (tenant_id, max_wait_seconds) VALUES ('acme', 1)");
        try {
            String call = placeCall();
            publishIncoming(call);
            change(call, "call", "VOICEMAIL");
            // Twilio stored the message, but its callback never reaches call-ingest: no recording event is published.
            String recording = sim().storeRecording(call, 4).sid();
            publishCallerEnd(call);
            change(call, "call", "ENDED");

            JsonNode found = voicemailChange(recording, "open");
            assertThat(found.at("/voicemail/callSid").asText()).isEqualTo(call);
            assertThat(found.at("/voicemail/durationSeconds").asInt()).isEqualTo(4);
            assertThat(found.at("/voicemail/from").asText()).isEqualTo(CALLER);
            assertThat(queryOne("SELECT recording_url FROM voicemails WHERE id = '" + recording + "'"))
                    .isEqualTo(sim().recording(recording).url());

            // The callback arriving after all stores nothing twice.
            publish(new TwilioEvent.RecordingStored("recording:" + recording, "acme", call, recording,
                    sim().recording(recording).url(), "completed", 4, CALLER, TwilioSimulatorResource.NUMBER,
                    Instant.now()));
            await().atMost(WAIT).until(() -> "1".equals(queryOne(
                    "SELECT count(*) FROM processed_events WHERE event_id = 'recording:" + recording + "'")));
            assertThat(queryOne("SELECT count(*) FROM voicemails WHERE call_sid = '" + call + "'")).isEqualTo("1");
            assertThat(kafka.values(Topics.STATE_CHANGES, v -> v.contains(recording))).hasSize(1);
        } finally {
            SwitchboardTestResource.postgres().execute("DELETE FROM call_handling WHERE tenant_id = 'acme'");
        }
    }

    /** Tracing is on in tests: the spans go to memory (local-stack's TestSpans). */
    @Test
    void aWebhooksTraceRunsOnThroughTheProjectionAndTheOutboxToItsChange() {
        String call = placeCall();
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String publishSpanId = traceId.substring(0, 16);
        kafka.send(Topics.TWILIO_EVENTS, "acme", write(new TwilioEvent.CallIncoming("incoming:" + call, "acme", call,
                CALLER, TwilioSimulatorResource.NUMBER, Instant.now())),
                Map.of("traceparent", "00-" + traceId + "-" + publishSpanId + "-01"));
        change(call, "call", "RINGING");

        ConsumerRecord<String, String> ringing = kafka.records(Topics.STATE_CHANGES).stream()
                .filter(r -> r.value().contains(call) && r.value().contains("RINGING")).findFirst().orElseThrow();
        String[] traceparent = new String(ringing.headers().lastHeader("traceparent").value(),
                StandardCharsets.UTF_8).split("-");
        assertThat(traceparent[1]).as("the change's record continues the webhook's trace").isEqualTo(traceId);
        await().atMost(WAIT).untilAsserted(() -> {
            List<SpanData> trace = spans.finished().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            SpanData applied = span(trace, SpanKind.CONSUMER, Topics.TWILIO_EVENTS);
            assertThat(applied.getParentSpanId()).as("the webhook's publish").isEqualTo(publishSpanId);
            // The call's row and the change's outbox row are written in one round trip: one statement's span.
            SpanData written = span(trace, SpanKind.CLIENT, "INSERT switchboard.active_calls");
            assertThat(written.getParentSpanId()).isEqualTo(applied.getSpanId());
            assertThat(written.getAttributes().get(AttributeKey.stringKey("db.statement")))
                    .contains("INSERT INTO outbox");
            // Published by the relay after the commit, yet in the trace, and the record's parent.
            SpanData published = span(trace, SpanKind.PRODUCER, Topics.STATE_CHANGES);
            assertThat(published.getParentSpanId()).isEqualTo(applied.getSpanId());
            assertThat(traceparent[2]).isEqualTo(published.getSpanId());
        });
        publishCallerEnd(call);
        change(call, "call", "ENDED");
    }

    @Test
    void theCallerWaitsInAConferenceNamedAfterTheCallWhoseCallbacksHaveTheirConnectionOverrides() {
        String twiml = twilioCalls.joinConference("acme", "CA0001", Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(twiml).contains("participantLabel=\"caller\"")
                .contains("startConferenceOnEnter=\"false\"").contains("endConferenceOnExit=\"true\"")
                .contains("conference?tenant=acme&amp;claim=1700000000123#"
                        + VoiceWebhooks.CALLBACK_OVERRIDES.replace("&", "&amp;"))
                .contains("hold#" + VoiceWebhooks.TWIML_OVERRIDES.replace("&", "&amp;"))
                .contains(">CA0001</Conference>");
    }

    @Test
    void twilioAskedAboutTheNumberOfAPlacedCallSaysWhetherItRingsTalksOrIsGone() {
        String placed = placedBy("doug");
        TwilioAction.CheckNumber check = new TwilioAction.CheckNumber(placed);
        Optional<TwilioCalls.Leg> notCalled = Optional.of(new TwilioCalls.Leg(null, TwilioCallStatus.NO_ANSWER));
        assertThat(twilioCalls.perform("acme", check, false)).isEqualTo(notCalled);

        String leg = callNumber(placed, "+15005550111").sid();
        await().atMost(WAIT).untilAsserted(() -> assertThat(twilioCalls.perform("acme", check, false))
                .contains(new TwilioCalls.Leg(leg, TwilioCallStatus.IN_PROGRESS)));
        sim().hangup(leg);
        await().atMost(WAIT).untilAsserted(() -> assertThat(twilioCalls.perform("acme", check, false))
                .isEqualTo(notCalled));

        String another = placedBy("doug");
        sim().answerMode("+15005550112", AnswerMode.IGNORE);
        String ringing = callNumber(another, "+15005550112").sid();
        assertThat(twilioCalls.perform("acme", new TwilioAction.CheckNumber(another), false))
                .contains(new TwilioCalls.Leg(ringing, TwilioCallStatus.RINGING));
    }

    @Test
    void anActionTakenOverFromAProcessThatDiedRingsNoAgentAndCallsNoNumberTwice() {
        String call = placeCall();
        TwilioAction.ConnectToAgent connect = new TwilioAction.ConnectToAgent(call, "doug", CALLER, Instant.now());
        String leg = twilioCalls.perform("acme", connect, false).orElseThrow().sid();
        await().atMost(WAIT).until(() -> talking(call, "doug"));
        assertThat(twilioCalls.perform("acme", connect, true).orElseThrow().sid()).isEqualTo(leg);
        assertThat(sim().conference(call).participants()).filteredOn(p -> p.active()
                && ("client:" + client("doug")).equals(p.device())).hasSize(1);

        String placed = placedBy("rhonda");
        String number = callNumber(placed, "+15005550113").sid();
        assertThat(twilioCalls.perform("acme", new TwilioAction.CallNumber(placed, "rhonda",
                TwilioSimulatorResource.NUMBER, "+15005550113"), true).orElseThrow().sid()).isEqualTo(number);
        assertThat(sim().conference(placed).participants())
                .filteredOn(p -> p.active() && VoiceWebhooks.CALLER_LABEL.equals(p.label())).hasSize(1);
    }

    /** A call {@code agent} placed, their phone answered: they wait in its conference for the number. */
    private String placedBy(String agent) {
        String placed = OutboundCall.idFor(UUID.randomUUID().toString());
        twilioCalls.perform("acme", new TwilioAction.PlaceCall(placed, agent, TwilioSimulatorResource.NUMBER,
                "+15005550100", Instant.now()), false);
        await().atMost(WAIT).until(() -> sim().conference(placed).participants().stream()
                .anyMatch(p -> "connected".equals(p.status())));
        return placed;
    }

    private TwilioCalls.Leg callNumber(String placed, String number) {
        return twilioCalls.perform("acme", new TwilioAction.CallNumber(placed, "doug", TwilioSimulatorResource.NUMBER,
                number), false).orElseThrow();
    }

    @Test
    void aProbeIsAckedAndComesBackOnTheStateChangesTopicWithoutTakingASeq() {
        String marker = placeCall();
        publishIncoming(marker);
        long seqBefore = change(marker, "call", "RINGING").get("seq").asLong();

        String probe = command(null, "doug", AgentCommand.Type.PROBE);
        assertThat(reply(probe).get("code").isNull()).isTrue();
        JsonNode back = read(kafka.awaitOne(Topics.STATE_CHANGES, v -> v.contains("\"type\":\"probe\"")
                && v.contains("r-" + probe), WAIT));
        assertThat(back.get("tenantId").asText()).isEqualTo("acme");
        assertThat(back.get("gatewayId").asText()).isEqualTo("gw-test");
        assertThat(back.get("connectionId").asText()).isEqualTo("c-doug");
        assertThat(back.has("seq")).isFalse();
        assertThat(Instant.parse(back.get("storedAt").asText())).isAfterOrEqualTo(
                Instant.parse(back.get("sentAt").asText()).minusSeconds(1));

        // The tenant's stream goes on where it was: the probe took no seq. (A ringing call the caller leaves gives
        // ring_cancel first, then the call ENDED; the wallboard's figures of the ringing call may come before them.)
        publishCallerEnd(marker);
        long cancelled = change(marker, "ring_cancel", null).get("seq").asLong();
        assertThat(change(marker, "call", "ENDED").get("seq").asLong()).isEqualTo(cancelled + 1);
        assertThat(kafka.records(Topics.STATE_CHANGES).stream().filter(r -> "acme".equals(r.key()))
                .map(r -> read(r.value())).filter(c -> c.path("seq").asLong() > seqBefore
                        && c.path("seq").asLong() < cancelled))
                .as("acme's changes between the RINGING and the ring_cancel")
                .allMatch(c -> "wallboard".equals(c.get("type").asText()))
                .hasSize((int) (cancelled - seqBefore - 1));
    }

    @Test
    void aRedeliveredWebhookChangesNothingTwice() {
        String call = placeCall();
        publishIncoming(call);
        publishIncoming(call);
        change(call, "call", "RINGING");
        publishCallerEnd(call);
        publishCallerEnd(call);
        change(call, "call", "ENDED");
        // A late "ringing" of the ended call does not bring it back either.
        publishIncoming(call);
        JsonNode ended = change(call, "call", "ENDED");
        String marker = placeCall();
        publishIncoming(marker);
        change(marker, "call", "RINGING"); // everything before it was applied
        assertThat(kafka.values(Topics.STATE_CHANGES, v -> v.contains(call) && v.contains("\"type\":\"call\"")))
                .hasSize(2);
        assertThat(ended.get("seq").asLong()).isPositive();
    }

    @Test
    void anUnansweredClaimIsGivenBackAndTheCallerWaitsAgain() throws Exception {
        sim().answerMode(client("rhonda"), AnswerMode.IGNORE);
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        assertThat(reply(claim(call, "rhonda")).get("code").isNull()).isTrue();
        change(call, "call", "CLAIMED");

        // No callback says the leg was answered (the test forwards none): the stored deadline gives it back.
        await().atMost(WAIT).until(() -> kafka.values(Topics.STATE_CHANGES,
                v -> v.contains(call) && v.contains("\"RINGING\"")).size() == 2);
        await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
        assertThat(agentStatus("rhonda")).isEqualTo("available");
    }

    @Test
    void aClaimGivenBackWhileTheAgentTalksTakesTheCallerBackToTheQueueWithoutDroppingThem() {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        assertThat(reply(claim(call, "doug")).get("code").isNull()).isTrue();
        change(call, "call", "CLAIMED");

        // Doug's phone answers into the conference, but no callback says so (as if call-ingest lost it): the stored
        // deadline gives the claim back. Doug's leaving would end the conference; the caller must wait again instead.
        await().atMost(WAIT).until(() -> talking(call, "doug"));
        String leg = legOf(call, "doug");
        await().atMost(WAIT).until(() -> kafka.values(Topics.STATE_CHANGES,
                v -> v.contains(call) && v.contains("\"RINGING\"")).size() == 2);
        await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
        await().atMost(WAIT).until(() -> sim().call(leg).status().equals("completed"));
        assertThat(sim().call(call).status()).as("the caller's call").isEqualTo("in-progress");
    }

    @Test
    void anUnknownCallOrAnotherAgentsCallIsRefusedWithAReason() {
        JsonNode unknown = reply(claim("CA-does-not-exist", "doug"));
        assertThat(unknown.get("code").asText()).isEqualTo("call_not_found");

        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        JsonNode hangup = reply(command(call, "rhonda", AgentCommand.Type.HANGUP));
        assertThat(hangup.get("code").asText()).isEqualTo("not_your_call");
        assertThat(hangup.get("message").asText()).isNotBlank();
        JsonNode park = reply(command(call, "doug", AgentCommand.Type.PARK));
        assertThat(park.get("code").asText()).isEqualTo("not_your_call");
        publishCallerEnd(call);
        change(call, "call", "ENDED");
    }

    /**
     * Another tenant on the same Twilio account, with its own number and its own {@code doug}. Its agent names acme's
     * call in every command: each is refused as an unknown call (a call of another tenant does not exist for it),
     * acme's call and both tenants' agents stay as they were, and Twilio is asked nothing. When acme's doug claims
     * the call, Twilio rings acme's doug — not the other tenant's agent of the same name.
     */
    @Test
    void anotherTenantsAgentCannotTouchACallAndOnlyTheTenantsOwnAgentRings() throws Exception {
        SwitchboardTestResource.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('globex', 'Globex') ON CONFLICT DO NOTHING;
                INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550009', 'globex')
                    ON CONFLICT DO NOTHING;
                INSERT INTO voip_users (tenant_id, id, name) VALUES ('globex', 'doug', 'Doug of Globex')
                    ON CONFLICT DO NOTHING;""");
        String call = placeCall();
        publishIncoming(call);
        long ringingSeq = change(call, "call", "RINGING").get("seq").asLong();

        for (AgentCommand.Type type : List.of(AgentCommand.Type.CLAIM, AgentCommand.Type.RETRIEVE,
                AgentCommand.Type.PARK, AgentCommand.Type.HANGUP)) {
            JsonNode refused = reply(command("globex", call, "doug", type));
            assertThat(refused.get("code").asText()).as(type.toString()).isEqualTo("call_not_found");
            assertThat(refused.get("tenantId").asText()).isEqualTo("globex");
        }

        // Nothing changed: between the RINGING and acme's next call there is no change but the wallboard's figures,
        // globex has no change at all, the call still waits in acme's queue (Twilio was not asked to dial, park or
        // end it), nobody is busy.
        String marker = placeCall();
        publishIncoming(marker);
        long markerSeq = change(marker, "call", "RINGING").get("seq").asLong();
        assertThat(kafka.records(Topics.STATE_CHANGES).stream().filter(r -> "acme".equals(r.key()))
                .map(r -> read(r.value())).filter(c -> c.path("seq").asLong() > ringingSeq
                        && c.path("seq").asLong() < markerSeq).map(c -> c.get("type").asText()).distinct())
                .as("acme's changes between the two calls").allMatch("wallboard"::equals);
        assertThat(kafka.records(Topics.STATE_CHANGES).stream().filter(r -> "globex".equals(r.key()))).isEmpty();
        assertThat(sim().call(call).activity()).isEqualTo("enqueued:acme");
        assertThat(queryOne("SELECT state FROM active_calls WHERE call_sid = '" + call + "'")).isEqualTo("RINGING");
        assertThat(queryOne("SELECT status FROM voip_users WHERE tenant_id = 'globex' AND id = 'doug'"))
                .isEqualTo("available");
        assertThat(agentStatus("doug")).isEqualTo("available");

        // acme's doug claims it: Twilio dials acme's doug by a client identity that names acme.
        sim().answerMode(ClientIdentity.of("globex", "doug"), AnswerMode.IGNORE);
        assertThat(reply(claim(call, "doug")).get("code").isNull()).isTrue();
        await().atMost(WAIT).until(() -> talking(call, "doug"));

        assertThat(reply(command(call, "doug", AgentCommand.Type.HANGUP)).get("code").isNull()).isTrue();
        publishCallerEnd(call);
        change(call, "call", "ENDED");
        publishCallerEnd(marker);
        change(marker, "call", "ENDED");
    }

    @Test
    void theAgentOnTheCallHangsUpThroughTwilio() {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        assertThat(reply(claim(call, "doug")).get("code").isNull()).isTrue();
        await().atMost(WAIT).until(() -> talking(call, "doug"));

        assertThat(reply(command(call, "doug", AgentCommand.Type.HANGUP)).get("code").isNull()).isTrue();

        assertThat(sim().call(call).ended()).isTrue();
        publishCallerEnd(call); // Twilio's callback of the end, as call-ingest forwards it
        change(call, "call", "ENDED");
    }

    @Test
    void aParkAsTheCallEndsAtTwilioEndsItAsTheAgentsCallNotAsACallerLostInTheLot() throws Exception {
        // The caller hangs up as Doug clicks park, and the caller's end reaches
        // call-state only later (call-ingest or Kafka slow). Twilio refuses to move a call that is over.
        String call = connectedTo("doug");
        sim().hangup(call);

        JsonNode park = reply(command(call, "doug", AgentCommand.Type.PARK));

        assertThat(park.get("code").isNull()).as("the park is stored: acked before Twilio is asked").isTrue();
        change(call, "call", "PARKED");
        change(call, "call", "ENDED");
        assertEndedAsDougsCallWithoutAStayInTheLot(call);
        publishCallerEnd(call); // Twilio's callback of the end, late: it changes nothing
    }

    @Test
    void aCallersEndThatOvertakesTwilioRefusingTheParkEndsItAsTheAgentsCall() throws Exception {
        // The same race, the other way round. call-state lagged on Twilio's
        // events, and the caller's end was applied after the park was stored but before Twilio's refusal came back.
        String call = connectedTo("doug");
        sim().hangup(call);
        sim().apiLatency(Duration.ofSeconds(2));
        try {
            String parkCommand = command(call, "doug", AgentCommand.Type.PARK);
            change(call, "call", "PARKED");
            publishCallerEnd(call);

            JsonNode ended = change(call, "call", "ENDED");

            assertThat(ended.at("/call/agentId").asText()).isEqualTo("doug");
            assertThat(ended.at("/call/slot").isNull()).isTrue();
            assertThat(reply(parkCommand).get("code").isNull()).isTrue();
        } finally {
            sim().apiLatency(sim().config().apiLatency());
        }
        assertEndedAsDougsCallWithoutAStayInTheLot(call);
    }

    @Test
    void aClaimIsAckedOnceStoredWhileTwilioIsStillBeingAsked() {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        sim().apiLatency(Duration.ofSeconds(2));
        try {
            JsonNode ack = reply(claim(call, "doug"));

            assertThat(ack.get("code").isNull()).as("%s", ack).isTrue();
            assertThat(sim().call(call).activity()).as("Twilio has not answered the redirect yet")
                    .isEqualTo("enqueued:acme");
            change(call, "call", "CLAIMED");
        } finally {
            sim().apiLatency(sim().config().apiLatency());
        }
        await().atMost(WAIT).until(() -> talking(call, "doug"));
        await().atMost(WAIT).until(() -> queryOne("SELECT count(*) FROM twilio_actions WHERE call_sid = '" + call
                + "'").equals("0"));
        endCall(call);
    }

    @Test
    void theCallersJoinConnectsAnAnsweredClaimBeforeTwilioAnswersTheConnect() throws Exception {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        sim().apiLatency(Duration.ofSeconds(4));
        try {
            assertThat(reply(claim(call, "doug")).get("code").isNull()).isTrue();
            change(call, "call", "CLAIMED");
            // Twilio acts halfway through the round trip: the caller is in the conference, Doug's phone answered, and
            // the connect's answer is still on its way back.
            await().atMost(WAIT).until(() -> talking(call, "doug"));
            long claim = Long.parseLong(queryOne("SELECT floor(extract(epoch FROM claimed_at) * 1000)::bigint"
                    + " FROM active_calls WHERE call_sid = '" + call + "'"));
            String leg = legOf(call, "doug");
            publish(new TwilioEvent.ConferenceChanged("conference:CF1:1", "acme", call, "CF1", "participant-join",
                    call, VoiceWebhooks.CALLER_LABEL, false, 1, claim, Instant.now()));
            publish(new TwilioEvent.CallStatusChanged("status:" + leg + ":2", "acme", call, leg,
                    TwilioCallStatus.IN_PROGRESS, 2, Instant.now(), "outbound-dial", CALLER, "client:" + client("doug"),
                    "doug", Instant.now()));

            change(call, "call", "CONNECTED");
            assertThat(queryOne("SELECT count(*) FROM twilio_actions WHERE call_sid = '" + call + "'"))
                    .as("Twilio has not answered the connect yet").isEqualTo("1");
        } finally {
            sim().apiLatency(sim().config().apiLatency());
        }
        await().atMost(WAIT).until(() -> queryOne("SELECT count(*) FROM twilio_actions WHERE call_sid = '" + call
                + "'").equals("0"));
        assertThat(queryOne("SELECT state FROM active_calls WHERE call_sid = '" + call + "'")).isEqualTo("CONNECTED");
        endCall(call);
    }

    @Test
    void aSecondTenantsCallRingsWhileTheFirstTenantWaitsOnTwilio() throws Exception {
        SwitchboardTestResource.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('initech', 'Initech') ON CONFLICT DO NOTHING;
                INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550010', 'initech')
                    ON CONFLICT DO NOTHING;""");
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        sim().apiLatency(Duration.ofSeconds(3));
        try {
            String slow = claim(call, "doug");
            change(call, "call", "CLAIMED");
            String other = "CA" + UUID.randomUUID().toString().replace("-", "");

            publish(new TwilioEvent.CallIncoming("incoming:" + other, "initech", other, CALLER, "+15005550010",
                    Instant.now()));

            change(other, "call", "RINGING");
            assertThat(sim().call(call).activity()).as("tenant acme's redirect is still with Twilio")
                    .isEqualTo("enqueued:acme");
            assertThat(reply(slow).get("code").isNull()).isTrue();
        } finally {
            sim().apiLatency(sim().config().apiLatency());
        }
        endCall(call);
    }

    @Test
    void anActionLeftPastItsLeaseIsTakenOver() throws Exception {
        String call = connectedTo("doug");
        try (var c = SwitchboardTestResource.postgres().connect()) {
            // A hang-up stored by a process nobody knows of, its lease run out.
            c.createStatement().executeUpdate("INSERT INTO twilio_actions (tenant_id, call_sid, kind, lease_until) "
                    + "VALUES ('acme', '" + call + "', 'end', now() - interval '1 second')");
        }

        await().atMost(WAIT).until(() -> sim().call(call).ended());
        await().atMost(WAIT).until(() -> queryOne("SELECT count(*) FROM twilio_actions WHERE call_sid = '" + call
                + "'").equals("0"));
        endCall(call);
    }

    @Test
    void anActionOfAReplicaThatStoppedBeatingIsTakenOverBeforeItsLeasePasses() throws Exception {
        String call = connectedTo("doug");
        try (var c = SwitchboardTestResource.postgres().connect()) {
            // Another replica stored a hang-up, leased for a minute, and beats: the action is its own.
            c.createStatement().executeUpdate("INSERT INTO call_state_replicas (id, alive_at) VALUES ('other', now())");
            c.createStatement().executeUpdate("INSERT INTO twilio_actions (tenant_id, call_sid, kind, replica_id, "
                    + "lease_until) VALUES ('acme', '" + call + "', 'end', 'other', now() + interval '1 minute')");
        }
        // Beating for longer than it takes to find a dead replica's actions (a sweep a second, three beats missed).
        for (int beat = 0; beat < 5; beat++) {
            Thread.sleep(1000);
            queryOne("UPDATE call_state_replicas SET alive_at = now() WHERE id = 'other' RETURNING id");
        }
        assertThat(sim().call(call).ended()).as("the call a live replica holds an action of").isFalse();

        // It was killed: its beat stops.
        await().atMost(WAIT).until(() -> sim().call(call).ended());
        await().atMost(WAIT).until(() -> queryOne("SELECT count(*) FROM twilio_actions WHERE call_sid = '" + call
                + "'").equals("0"));
        endCall(call);
    }

    @Test
    void aChangeAnotherReplicaLeftUnpublishedGoesOutBeforeTheNextChange() throws Exception {
        long orphan;
        try (var c = SwitchboardTestResource.postgres().connect()) {
            // Another replica committed acme's next change and died before sending it to Kafka.
            ResultSet rs = c.createStatement().executeQuery("UPDATE tenants SET seq = seq + 1 WHERE id = 'acme' "
                    + "RETURNING seq");
            rs.next();
            orphan = rs.getLong(1);
            c.createStatement().executeUpdate("INSERT INTO outbox (tenant_id, seq, payload, relay) VALUES ('acme', "
                    + orphan + ", '{\"type\":\"agent\",\"seq\":" + orphan + ",\"tenantId\":\"acme\","
                    + "\"agent\":{\"id\":\"doug\"}}', false)");
        }
        String call = placeCall();

        publishIncoming(call);

        long ringing = change(call, "call", "RINGING").get("seq").asLong();
        // The orphan goes out first, then every change after it in order; the wallboard's change of the previous
        // test's calls may be one of them.
        assertThat(ringing).isGreaterThan(orphan);
        List<Long> order = kafka.records(Topics.STATE_CHANGES).stream().filter(r -> r.key().equals("acme"))
                .map(r -> read(r.value()).path("seq").asLong()).filter(seq -> seq >= orphan && seq <= ringing)
                .toList();
        assertThat(order).as("acme's changes in topic order")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(orphan, ringing).boxed().toList());
        await().atMost(WAIT).until(() -> queryOne("SELECT count(*) FROM outbox WHERE tenant_id = 'acme'")
                .equals("0"));
        publishCallerEnd(call);
        change(call, "call", "ENDED");
    }

    /** The caller hangs up, Twilio says so, and the call is over: the next test finds every agent free. */
    private static void endCall(String call) {
        publishCallerEnd(call);
        change(call, "call", "ENDED");
        await().atMost(WAIT).until(() -> agentCurrentCall("doug") == null && "available".equals(agentStatus("doug")));
    }

    private static void assertEndedAsDougsCallWithoutAStayInTheLot(String call) throws Exception {
        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT agent_id, end_reason FROM call_history WHERE "
                    + "call_sid = '" + call + "'");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + " " + rs.getString(2)).isEqualTo("doug completed");
            assertThat(c.createStatement().executeQuery("SELECT 1 FROM call_parks WHERE call_sid = '" + call + "'")
                    .next()).as("a stay in the lot that never happened").isFalse();
        }
        await().atMost(WAIT).until(() -> agentCurrentCall("doug") == null);
        assertThat(agentStatus("doug")).isEqualTo("available");
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheNextOneIsApplied() {
        kafka.send(Topics.TWILIO_EVENTS, "acme", "{not json");
        kafka.awaitOne("switchboard.dead-letters", v -> v.equals("{not json"), WAIT);
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        publishCallerEnd(call);
    }

    @Test
    void seqRisesByExactlyOnePerChange() {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        publishCallerEnd(call);
        change(call, "call", "ENDED");
        List<Long> seqs = new ArrayList<>();
        // Probes share the topic but are no changes: they have no seq, and readers skip them.
        kafka.records(Topics.STATE_CHANGES).stream().filter(r -> r.key().equals("acme")).map(r -> read(r.value()))
                .filter(change -> !Probe.TYPE.equals(change.get("type").asText()))
                .forEach(change -> seqs.add(change.get("seq").asLong()));
        // Publishing is at least once (a change the relay recovers may have gone out already): a repeat is allowed,
        // a gap or a change ahead of its predecessor is not.
        long newest = seqs.get(0);
        for (long seq : seqs.subList(1, seqs.size())) {
            if (seq > newest) {
                assertThat(seq).as("seq after %d", newest).isEqualTo(newest + 1);
                newest = seq;
            }
        }
    }

    // --- what call-ingest and the gateway would publish ---

    /** The seed tenant's agent as Twilio knows its client: the simulator keys devices by it. */
    private static String client(String agent) {
        return ClientIdentity.of("acme", agent);
    }

    /** Twilio has the caller talking with the agent's client in the call's conference. */
    private static boolean talking(String call, String agent) {
        return sim().call(call).talkingWith().contains("client:" + client(agent));
    }

    /** The agent's latest leg into the call's conference. */
    private static String legOf(String call, String agent) {
        return sim().conference(call).participants().stream()
                .filter(p -> ("client:" + client(agent)).equals(p.device()))
                .reduce((earlier, later) -> later).orElseThrow().callSid();
    }

    private static TwilioSimulator sim() {
        return TwilioSimulatorResource.simulator();
    }

    private static SpanData span(List<SpanData> trace, SpanKind kind, String name) {
        return trace.stream().filter(s -> s.getKind() == kind && s.getName().contains(name)).findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " span " + name + " in " + trace));
    }

    private static String placeCall() {
        String call = sim().placeCall(CALLER, TwilioSimulatorResource.NUMBER);
        await().atMost(WAIT).until(() -> sim().call(call).activity().equals("enqueued:acme"));
        return call;
    }

    /** A call claimed by {@code agent}, whose leg Twilio reports answered: the agent talks to the caller. */
    private static String connectedTo(String agent) {
        String call = placeCall();
        publishIncoming(call);
        change(call, "call", "RINGING");
        assertThat(reply(claim(call, agent)).get("code").isNull()).isTrue();
        await().atMost(WAIT).until(() -> talking(call, agent));
        String leg = legOf(call, agent);
        publish(new TwilioEvent.CallStatusChanged("status:" + leg + ":2", "acme", call, leg,
                TwilioCallStatus.IN_PROGRESS, 2, Instant.now(), "outbound-dial", CALLER, "client:" + client(agent),
                agent, Instant.now()));
        change(call, "call", "CONNECTED");
        return call;
    }

    private static void publishIncoming(String call) {
        publish(new TwilioEvent.CallIncoming("incoming:" + call, "acme", call, CALLER, TwilioSimulatorResource.NUMBER,
                Instant.now()));
    }

    private static void publishCallerEnd(String call) {
        publish(new TwilioEvent.CallStatusChanged("status:" + call + ":9", "acme", call, call,
                TwilioCallStatus.COMPLETED, 9, Instant.now(), "inbound", CALLER, TwilioSimulatorResource.NUMBER, null,
                Instant.now()));
    }

    private static void publish(TwilioEvent event) {
        kafka.send(Topics.TWILIO_EVENTS, event.tenantId(), write(event));
    }

    private static String claim(String call, String agent) {
        return command(call, agent, AgentCommand.Type.CLAIM);
    }

    /** @return the command's id */
    private static String command(String call, String agent, AgentCommand.Type type) {
        return command("acme", call, agent, type);
    }

    /** A command of an agent of {@code tenant}, as the gateway publishes it (tenant and agent from the token). */
    private static String command(String tenant, String call, String agent, AgentCommand.Type type) {
        String id = UUID.randomUUID().toString();
        String connection = "acme".equals(tenant) ? "c-" + agent : "c-" + tenant + "-" + agent;
        kafka.send(Topics.AGENT_COMMANDS, tenant, write(new AgentCommand(id, tenant, agent, type, call, null,
                "r-" + id, new AgentCommand.ReplyTo("gw-test", connection), Instant.now())));
        return id;
    }

    /** A voicemail command of an agent of acme, as the gateway publishes it; returns the command's id. */
    private static String voicemailCommand(String voicemailId, String agent, AgentCommand.Type type) {
        String id = UUID.randomUUID().toString();
        kafka.send(Topics.AGENT_COMMANDS, "acme", write(new AgentCommand(id, "acme", agent, type, null, null,
                "r-" + id, new AgentCommand.ReplyTo("gw-test", "c-" + agent), Instant.now(), null, null,
                voicemailId)));
        return id;
    }

    private static JsonNode voicemailChange(String voicemailId, String state) {
        return read(kafka.awaitOne(Topics.STATE_CHANGES, v -> {
            JsonNode change = read(v);
            return "voicemail".equals(change.get("type").asText())
                    && voicemailId.equals(change.at("/voicemail/voicemailId").asText())
                    && state.equals(change.at("/voicemail/state").asText());
        }, WAIT));
    }

    private static JsonNode reply(String commandId) {
        return read(kafka.awaitOne(Topics.AGENT_REPLIES, v -> v.contains(commandId), WAIT));
    }

    /** Waits for the change of {@code type} about {@code call} (in {@code state}, for calls). */
    private static JsonNode change(String call, String type, String state) {
        return read(kafka.awaitOne(Topics.STATE_CHANGES, v -> {
            JsonNode change = read(v);
            return change.get("type").asText().equals(type)
                    && (call.equals(change.path("callSid").asText()) || call.equals(change.at("/call/callSid").asText()))
                    && (state == null || state.equals(change.at("/call/state").asText()));
        }, WAIT));
    }

    private static String agentCurrentCall(String agent) throws Exception {
        return queryOne("SELECT current_call_id FROM voip_users WHERE tenant_id = 'acme' AND id = '" + agent + "'");
    }

    private static String agentStatus(String agent) throws Exception {
        return queryOne("SELECT status FROM voip_users WHERE tenant_id = 'acme' AND id = '" + agent + "'");
    }

    private static boolean activeCall(String call) throws Exception {
        return queryOne("SELECT call_sid FROM active_calls WHERE call_sid = '" + call + "'") != null;
    }

    private static String queryOne(String sql) throws Exception {
        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(sql);
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
