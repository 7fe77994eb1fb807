package io.switchboard.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.RawAgentSocket;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.TestSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiveChangesTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    TestSpans spans;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
        Gateway.seedSecondTenant();
        Gateway.seedRetiredAgent();
        callState = new CallStateDouble();
    }

    @AfterEach
    void close() {
        callState.close();
    }

    private AgentClient connect(String tenant, String agent) {
        return AgentClient.withQueryToken(base, Tokens.agent(tenant, agent));
    }

    @Test
    void theFirstFrameIsTheSnapshotOfTheDatabase() {
        CallStateDouble.sql("""
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, started_at)
                VALUES ('CA-ringing', 'acme', '+15551230000', '+15005550006', 'RINGING', '2026-11-21T14:03:07.120Z');
                INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, agent_id, slot,
                    started_at, answered_at)
                VALUES ('CA-talking', 'acme', '+15557770000', '+15005550006', 'CONNECTED', 'rhonda', NULL,
                    '2026-11-21T14:00:00Z', '2026-11-21T14:00:05Z');
                UPDATE voip_users SET presence = 'online', status = 'busy', current_call_id = 'CA-talking',
                    current_call_phone_number = '+15557770000', current_call_answered_at = '2026-11-21T14:00:05Z'
                    WHERE tenant_id = 'acme' AND id = 'rhonda';
                """);
        long seq = CallStateDouble.advance("acme", 1);
        try (AgentClient doug = connect("acme", "doug")) {
            JsonNode snapshot = doug.nextJson();

            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("seq").asLong()).isEqualTo(seq);
            JsonNode agents = snapshot.path("agents");
            assertThat(agents).extracting(a -> a.path("id").asText()).containsExactly("doug", "rhonda");
            JsonNode dougRow = agents.get(0);
            assertThat(dougRow.path("name").asText()).isEqualTo("Doug");
            assertThat(dougRow.path("presence").asText()).isEqualTo("offline");
            assertThat(dougRow.path("status").asText()).isEqualTo("available");
            assertThat(dougRow.has("currentCall")).isTrue();
            assertThat(dougRow.path("currentCall").isNull()).isTrue();
            JsonNode rhonda = agents.get(1);
            assertThat(rhonda.path("status").asText()).isEqualTo("busy");
            assertThat(rhonda.path("currentCall").path("callSid").asText()).isEqualTo("CA-talking");
            assertThat(rhonda.path("currentCall").path("phoneNumber").asText()).isEqualTo("+15557770000");
            assertThat(rhonda.path("currentCall").path("answeredAt").asText()).isEqualTo("2026-11-21T14:00:05Z");

            List<JsonNode> calls = StreamSupport.stream(snapshot.path("calls").spliterator(), false).toList();
            assertThat(calls).extracting(c -> c.path("callSid").asText()).containsExactly("CA-talking", "CA-ringing");
            JsonNode ringing = calls.get(1);
            assertThat(ringing.path("from").asText()).isEqualTo("+15551230000");
            assertThat(ringing.path("to").asText()).isEqualTo("+15005550006");
            assertThat(ringing.path("state").asText()).isEqualTo("RINGING");
            assertThat(ringing.path("startedAt").asText()).isEqualTo("2026-11-21T14:03:07.120Z");
            assertThat(ringing.path("agentId").isNull()).isTrue();
            assertThat(ringing.path("answeredAt").isNull()).isTrue();
            assertThat(calls.get(0).path("agentId").asText()).isEqualTo("rhonda");
        } finally {
            CallStateDouble.sql("""
                    UPDATE voip_users SET presence = 'offline', status = 'available', current_call_id = NULL,
                        current_call_phone_number = NULL, current_call_answered_at = NULL
                        WHERE tenant_id = 'acme' AND id = 'rhonda';
                    DELETE FROM active_calls WHERE call_sid IN ('CA-ringing', 'CA-talking');
                    """);
        }
    }

    @Test
    void theSnapshotCarriesTheVoicemailsNotDoneOldestFirstAndTheirChangesArriveInOrder() {
        CallStateDouble.sql("""
                INSERT INTO voicemails (id, tenant_id, call_sid, from_number, to_number, recorded_at, duration_seconds,
                    recording_url, taken_by, taken_at, done_at) VALUES
                ('RE00000000000000000000000000000b02', 'acme', 'CA-vm2', '+15551230002', '+15005550006',
                    '2026-11-21T14:05:00Z', 12, 'http://twilio.invalid/RE2', 'doug', '2026-11-21T14:06:00Z', NULL),
                ('RE00000000000000000000000000000b01', 'acme', 'CA-vm1', '+15551230001', '+15005550006',
                    '2026-11-21T14:04:00Z', 7, 'http://twilio.invalid/RE1', NULL, NULL, NULL),
                ('RE00000000000000000000000000000b03', 'acme', 'CA-vm3', '+15551230003', '+15005550006',
                    '2026-11-21T14:01:00Z', 3, 'http://twilio.invalid/RE3', 'doug', '2026-11-21T14:02:00Z',
                    '2026-11-21T14:03:00Z'),
                ('RE00000000000000000000000000000b04', 'globex', 'CA-vm4', '+15551230004', '+15005550007',
                    '2026-11-21T14:00:00Z', 9, 'http://twilio.invalid/RE4', NULL, NULL, NULL);
                """);
        try (AgentClient doug = connect("acme", "doug")) {
            JsonNode snapshot = doug.nextJson();
            List<JsonNode> voicemails = StreamSupport.stream(snapshot.path("voicemails").spliterator(), false)
                    .toList();
            assertThat(voicemails).as("open and taken, oldest first; not the done one nor globex's")
                    .extracting(v -> v.path("voicemailId").asText())
                    .containsExactly("RE00000000000000000000000000000b01", "RE00000000000000000000000000000b02");
            JsonNode open = voicemails.get(0);
            assertThat(open.path("callSid").asText()).isEqualTo("CA-vm1");
            assertThat(open.path("from").asText()).isEqualTo("+15551230001");
            assertThat(open.path("to").asText()).isEqualTo("+15005550006");
            assertThat(open.path("recordedAt").asText()).isEqualTo("2026-11-21T14:04:00Z");
            assertThat(open.path("durationSeconds").asInt()).isEqualTo(7);
            assertThat(open.path("state").asText()).isEqualTo("open");
            assertThat(open.path("takenBy").isNull()).isTrue();
            assertThat(open.path("takenAt").isNull()).isTrue();
            JsonNode taken = voicemails.get(1);
            assertThat(taken.path("state").asText()).isEqualTo("taken");
            assertThat(taken.path("takenBy").asText()).isEqualTo("doug");
            assertThat(taken.path("takenAt").asText()).isEqualTo("2026-11-21T14:06:00Z");
            assertThat(snapshot.toString()).doesNotContain("twilio.invalid");

            // The voicemail change: through the tenant's ordered feed byte for byte, between its neighbours.
            String before = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);
            String change = "{\"type\":\"voicemail\",\"tenantId\":\"acme\",\"seq\":"
                    + CallStateDouble.advance("acme", 1) + ",\"voicemail\":{\"voicemailId\":"
                    + "\"RE00000000000000000000000000000b01\",\"callSid\":\"CA-vm1\",\"from\":\"+15551230001\","
                    + "\"to\":\"+15005550006\",\"recordedAt\":\"2026-11-21T14:04:00Z\",\"durationSeconds\":7,"
                    + "\"state\":\"taken\",\"takenBy\":\"rhonda\",\"takenAt\":\"2026-11-21T14:07:00Z\"}}";
            callState.publishChange("acme", change);
            String after = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);
            assertThat(doug.next()).isEqualTo(before);
            assertThat(doug.next()).isEqualTo(change);
            assertThat(doug.next()).isEqualTo(after);
        } finally {
            CallStateDouble.sql("DELETE FROM voicemails WHERE call_sid LIKE 'CA-vm%';");
        }
    }

    @Test
    void theNextChangeArrivesVerbatimAndStaleOrDuplicateOnesDoNot() {
        try (AgentClient doug = connect("acme", "doug")) {
            long s = doug.nextSnapshotSeq();
            // Odd spacing and a field the gateway does not know: the frame must come through byte for byte.
            String next = "{ \"type\":\"ring_cancel\",  \"seq\":" + CallStateDouble.advance("acme", 1)
                    + ",\"tenantId\":\"acme\",\"callSid\":\"CA9\",\"reason\":\"claimed\",\"by\":\"doug\","
                    + "\"future\":{\"x\":[1,2]} }";
            callState.publishChange("acme", next);
            assertThat(doug.next()).isEqualTo(next);

            callState.publishChange("acme", CallStateDouble.ringCancel("acme", s, "CA-stale"));
            callState.publishChange("acme", CallStateDouble.ringCancel("acme", s - 1, "CA-older"));
            callState.publishChange("acme", next);
            String after = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);

            assertThat(doug.next()).as("stale and duplicate changes are skipped").isEqualTo(after);
        }
    }

    @Test
    void theChangesTraceEndsWithThePushToTheTenantsSockets() {
        try (AgentClient doug = connect("acme", "doug"); AgentClient rhonda = connect("acme", "rhonda")) {
            doug.nextSnapshotSeq();
            rhonda.nextSnapshotSeq();
            String traceId = UUID.randomUUID().toString().replace("-", "");
            String relaySpanId = traceId.substring(16);
            long seq = CallStateDouble.advance("acme", 1);
            String change = CallStateDouble.ringCancel("acme", seq, "CA-traced");
            callState.publishChange("acme", change, "00-" + traceId + "-" + relaySpanId + "-01");
            assertThat(doug.next()).isEqualTo(change);
            assertThat(rhonda.next()).isEqualTo(change);

            await().atMost(AgentClient.WAIT).untilAsserted(() -> {
                List<SpanData> trace = spans.finished().stream()
                        .filter(span -> span.getTraceId().equals(traceId)).toList();
                SpanData received = trace.stream().filter(span -> span.getKind() == SpanKind.CONSUMER).findFirst()
                        .orElseThrow(() -> new AssertionError("no consumer span in " + trace));
                assertThat(received.getParentSpanId()).as("call-state's publish").isEqualTo(relaySpanId);
                SpanData push = trace.stream().filter(span -> span.getName().equals("push ring_cancel")).findFirst()
                        .orElseThrow(() -> new AssertionError("no push span in " + trace));
                assertThat(push.getParentSpanId()).isEqualTo(received.getSpanId());
                assertThat(push.getAttributes().get(AttributeKey.longKey(TraceAttributes.SEQ))).isEqualTo(seq);
                assertThat(push.getAttributes().get(AttributeKey.longKey(TraceAttributes.SOCKETS))).isEqualTo(2L);
            });
        }
    }

    @Test
    void aChangeTooBigForOneDirectWriteArrivesWholeBetweenItsNeighbours() {
        // Frames over AgentChannel.SharedFrame.MAX_PAYLOAD (48 KiB) go out through websockets-next, the others
        // straight into the channel: both ways must keep one order.
        try (AgentClient doug = connect("acme", "doug")) {
            doug.nextSnapshotSeq();
            String before = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);
            String bulky = CallStateDouble.bulkyAgentChange("acme", CallStateDouble.advance("acme", 1), "rhonda",
                    64 * 1024);
            callState.publishChange("acme", bulky);
            String after = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);

            assertThat(doug.next()).isEqualTo(before);
            assertThat(doug.next()).isEqualTo(bulky);
            assertThat(doug.next()).isEqualTo(after);
        }
    }

    @Test
    void aClientThatOffersCompressionAsBrowsersDoGetsPlainFrames() {
        // Per-message deflate is off on /agent/ws (README, "Compression"): the offer is not taken up.
        try (RawAgentSocket doug = RawAgentSocket.connect(base, Tokens.agent("acme", "doug"), 64 * 1024, true,
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(doug.upgradeAnswer().toLowerCase(Locale.ROOT)).doesNotContain("sec-websocket-extensions");
            assertThat(doug.nextText(AgentClient.WAIT)).startsWith("{\"type\":\"snapshot\"");

            String change = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);
            assertThat(doug.nextText(AgentClient.WAIT)).isEqualTo(change);
        }
    }

    @Test
    void twoConnectionsSeeTheSameChangesInTheSameOrder() {
        try (AgentClient doug = connect("acme", "doug"); AgentClient rhonda = connect("acme", "rhonda")) {
            long s = doug.nextSnapshotSeq();
            assertThat(rhonda.nextSnapshotSeq()).isEqualTo(s);
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                published.add(callState.nextAgentChange("acme", i % 2 == 0 ? "doug" : "rhonda", "Agent " + i,
                        i % 3 == 0 ? AgentStatus.AWAY : AgentStatus.AVAILABLE));
            }

            List<String> seenByDoug = new ArrayList<>();
            List<String> seenByRhonda = new ArrayList<>();
            for (int i = 0; i < published.size(); i++) {
                seenByDoug.add(doug.next());
                seenByRhonda.add(rhonda.next());
            }

            assertThat(seenByDoug).containsExactlyElementsOf(published);
            assertThat(seenByRhonda).containsExactlyElementsOf(published);
        }
    }

    @Test
    void anotherTenantsChangesAreNotDelivered() {
        try (AgentClient doug = connect("acme", "doug"); AgentClient gina = connect("globex", "gina")) {
            doug.nextSnapshotSeq();
            JsonNode globexSnapshot = gina.nextJson();
            assertThat(globexSnapshot.path("agents")).extracting(a -> a.path("id").asText()).containsExactly("gina");

            String forGlobex = callState.nextAgentChange("globex", "gina", "Gina", AgentStatus.AWAY);
            String forAcme = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);

            assertThat(doug.next()).as("globex's change is not sent to acme").isEqualTo(forAcme);
            assertThat(gina.next()).isEqualTo(forGlobex);
        }
    }

    @Test
    void aGapIsAnsweredWithAFreshSnapshot() {
        double resyncsBefore = resyncs();
        try (AgentClient doug = connect("acme", "doug")) {
            long s = doug.nextSnapshotSeq();
            String first = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);
            assertThat(doug.next()).isEqualTo(first);

            // S+2 was committed but never reached this gateway; S+3 did.
            long afterGap = CallStateDouble.advance("acme", 2);
            assertThat(afterGap).isEqualTo(s + 3);
            callState.publishChange("acme",
                    CallStateDouble.agentChange("acme", afterGap, "rhonda", "Rhonda", AgentStatus.AWAY));

            assertThat(doug.nextSnapshotSeq()).isEqualTo(afterGap);
            String live = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);
            assertThat(doug.next()).isEqualTo(live);
        }
        assertThat(resyncs()).isGreaterThan(resyncsBefore);
    }

    @Test
    void resumeAtTheCurrentSeqContinuesAndAnOlderSeqIsAnsweredFromTheBuffer() {
        try (AgentClient doug = connect("acme", "doug")) {
            long s = doug.nextSnapshotSeq();
            doug.send("{\"type\":\"resume\",\"seq\":" + s + "}");
            String next = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AWAY);
            assertThat(doug.next()).as("nothing before the next change").isEqualTo(next);

            doug.send("{\"type\":\"resume\",\"seq\":" + s + "}");
            assertThat(doug.next()).as("the change after the resumed seq, again").isEqualTo(next);
            String after = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);
            assertThat(doug.next()).isEqualTo(after);
        }
    }

    private static double resyncs() {
        // Through Gateway.metric: with tracing on, a counter's line can end in an exemplar, not in its value.
        return Gateway.metric("switchboard_gateway_resyncs_total");
    }
}
