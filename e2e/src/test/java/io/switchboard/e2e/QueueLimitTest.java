package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.stack.Stack;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Predicate;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No caller waits forever, across the packaged services, real Kafka and PostgreSQL, and the Twilio simulator: a call
 * nobody answers within the tenant's wait limit reaches voicemail (Twilio records it, both screens get it, one agent
 * takes it, plays it through the gateway and closes it), or the tenant's overflow number; a call after hours goes
 * straight to voicemail; and the call history says how each ended, a page at a time, to the tenant's agents only.
 */
class QueueLimitTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final String OVERFLOW = "+15551119999";
    static final int LIMIT_SECONDS = 5;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stack stack;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static int callers;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("queue-limit", o -> o);
        stack.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('initech', 'Initech') ON CONFLICT DO NOTHING;
                INSERT INTO voip_users (tenant_id, id, name) VALUES ('initech', 'milton', 'Milton')
                    ON CONFLICT DO NOTHING;""");
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda");
        doug = screens.get(0);
        rhonda = screens.get(1);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, stack);
    }

    @AfterEach
    void screensAgree() {
        stack.postgres().execute("DELETE FROM call_handling WHERE tenant_id = 'acme'");
        EndToEnd.screensAgree(WAIT, doug, rhonda);
    }

    @Test
    void aCallerNobodyAnswersLeavesAVoicemailThatOneAgentTakesPlaysAndCloses() throws Exception {
        handling("max_wait_seconds", LIMIT_SECONDS);
        String caller = nextCaller();
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call) && rhonda.rings(call));
        assertThat(doug.call(call).get("waitUntil").asText()).isNotBlank();

        // Nobody answers: at the limit both screens stop ringing, and Twilio has the caller recording a message.
        await().atMost(WAIT).until(() -> everyScreen(s -> shows(s, call, "VOICEMAIL")));
        assertThat(doug.frames(f -> "ring_cancel".equals(f.path("type").asText())
                && call.equals(f.path("callSid").asText())).get(0).get("reason").asText()).isEqualTo("timeout");
        await().atMost(WAIT).until(() -> "recording".equals(stack.simulator().call(call).activity()));
        Thread.sleep(3_000); // the caller speaks
        stack.simulator().hangup(call);

        // Twilio reports the recording through call-ingest; both screens get the voicemail live.
        await().atMost(WAIT).until(() -> doug.voicemailOf(call) != null && rhonda.voicemailOf(call) != null);
        JsonNode voicemail = doug.voicemailOf(call);
        String id = voicemail.get("voicemailId").asText();
        assertThat(voicemail.get("from").asText()).isEqualTo(caller);
        assertThat(voicemail.get("state").asText()).isEqualTo("open");
        int seconds = voicemail.get("durationSeconds").asInt();
        assertThat(seconds).isBetween(2, 6);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));

        // Both take it at the same moment: one wins.
        CyclicBarrier sameMoment = new CyclicBarrier(2);
        List<String> requests = new ArrayList<>();
        Thread other = new Thread(() -> {
            try {
                sameMoment.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            synchronized (requests) {
                requests.add("rhonda:" + rhonda.voicemail("take_voicemail", id));
            }
        });
        other.start();
        sameMoment.await();
        String dougs = doug.voicemail("take_voicemail", id);
        other.join();
        String rhondas = requests.get(0).substring("rhonda:".length());
        JsonNode dougsReply = doug.awaitReply(dougs);
        JsonNode rhondasReply = rhonda.awaitReply(rhondas);
        List<JsonNode> replies = List.of(dougsReply, rhondasReply);
        assertThat(replies).filteredOn(r -> r.get("type").asText().equals("ack")).hasSize(1);
        assertThat(replies).filteredOn(r -> "already_taken".equals(r.path("code").asText())).hasSize(1);
        AgentScreen taker = dougsReply.get("type").asText().equals("ack") ? doug : rhonda;
        AgentScreen otherAgent = taker == doug ? rhonda : doug;
        await().atMost(WAIT).until(() -> everyScreen(s -> s.voicemail(id) != null
                && "taken".equals(s.voicemail(id).get("state").asText())));

        // The audio plays through the gateway: a real WAV, as long as the message.
        HttpResponse<byte[]> audio = get("/api/voicemails/" + id + "/audio", taker.token(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(audio.headers().firstValue("Content-Type").orElse("")).contains("wav");
        try (AudioInputStream wav = AudioSystem.getAudioInputStream(new ByteArrayInputStream(audio.body()))) {
            assertThat(wav.getFrameLength() / wav.getFormat().getFrameRate()).isEqualTo((float) seconds);
        }
        assertThat(get("/api/voicemails/" + id + "/audio", null, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        assertThat(get("/api/voicemails/" + id + "/audio", token("initech", "milton"),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        // Only the taker closes it; then it leaves every screen.
        assertThat(otherAgent.awaitReply(otherAgent.voicemail("voicemail_done", id)).get("code").asText())
                .isEqualTo("not_your_voicemail");
        assertThat(taker.awaitReply(taker.voicemail("voicemail_done", id)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> everyScreen(s -> s.voicemail(id) == null));

        JsonNode past = onlyCall(history("outcome=voicemail&number=" + encode(caller), doug.token()));
        assertThat(past.get("callSid").asText()).isEqualTo(call);
        assertThat(past.get("voicemailId").asText()).isEqualTo(id);
        List<String> steps = new ArrayList<>();
        past.get("steps").forEach(step -> steps.add(step.get("step").asText()));
        assertThat(steps).containsSubsequence("rang", "wait_limit", "ended").contains("voicemail");
    }

    @Test
    void aTenantThatForwardsDialsItsOverflowNumberShowingTheCaller() throws Exception {
        stack.postgres().execute("INSERT INTO call_handling (tenant_id, max_wait_seconds, at_limit, forward_to)"
                + " VALUES ('acme', " + LIMIT_SECONDS + ", 'forward', '" + OVERFLOW + "')");
        String caller = nextCaller();
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call));
        await().atMost(WAIT).until(() -> everyScreen(s -> shows(s, call, "FORWARDED")));

        // Twilio dials the overflow number, which answers and talks with the caller, who shows as calling.
        await().atMost(WAIT).until(() -> ("bridged:" + OVERFLOW).equals(stack.simulator().call(call).activity()));
        var leg = stack.simulator().calls().stream()
                .filter(c -> OVERFLOW.equals(c.to()) && call.equals(c.parentCallSid())).findFirst().orElseThrow();
        assertThat(leg.from()).isEqualTo(caller);

        // The overflow number hangs up first: the forward's <Dial> is over, and so is the call.
        stack.simulator().hangup(leg.sid());
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
        JsonNode past = onlyCall(history("outcome=forwarded&number=" + encode(caller), doug.token()));
        assertThat(past.get("endReason").asText()).isEqualTo("forward_completed");
        await().atMost(WAIT).until(() -> "completed".equals(stack.simulator().call(call).status()));
    }

    @Test
    void aCallAfterHoursGoesStraightToVoicemailAndRingsNobody() throws Exception {
        // Closed every day of the week.
        stack.postgres().execute("INSERT INTO call_handling (tenant_id, weekly_hours) VALUES ('acme', '{}')");
        String caller = nextCaller();
        String call = stack.simulator().placeCall(caller, NUMBER);
        await().atMost(WAIT).until(() -> "recording".equals(stack.simulator().call(call).activity()));
        await().atMost(WAIT).until(() -> everyScreen(s -> shows(s, call, "VOICEMAIL")));
        assertThat(doug.frames(f -> "call".equals(f.path("type").asText())
                && call.equals(f.at("/call/callSid").asText()) && "RINGING".equals(f.at("/call/state").asText())))
                .isEmpty();
        assertThat(doug.call(call).get("ringReason").asText()).isEqualTo("after_hours");

        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
        assertThat(onlyCall(history("outcome=missed_after_hours&number=" + encode(caller), doug.token()))
                .get("callSid").asText()).isEqualTo(call);
    }

    @Test
    void aCallerWhoHangsUpWaitingAbandonedTheCallAndTheHistoryPagesAndFiltersIt() throws Exception {
        String caller = nextCaller();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String call = stack.simulator().placeCall(caller, NUMBER);
            await().atMost(WAIT).until(() -> doug.rings(call));
            stack.simulator().hangup(call);
            await().atMost(WAIT).until(() -> everyScreen(s -> s.call(call) == null));
            calls.add(call);
        }

        // Newest first, one a page, each page's cursor leading to the next, the last page without one.
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = history("limit=1&outcome=abandoned&number=" + encode(caller)
                    + (cursor == null ? "" : "&cursor=" + cursor), doug.token());
            assertThat(page.get("calls")).hasSize(1);
            paged.add(page.at("/calls/0/callSid").asText());
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null && paged.size() < 5);
        assertThat(paged).containsExactly(calls.get(2), calls.get(1), calls.get(0));
        assertThat(history("outcome=answered&number=" + encode(caller), doug.token()).get("calls")).isEmpty();

        // Another tenant's agent sees none of it; without a token there is no history at all.
        assertThat(history("number=" + encode(caller), token("initech", "milton")).get("calls")).isEmpty();
        assertThat(get("/api/calls", null, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(get("/api/calls?outcome=lost", doug.token(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(400);
    }

    private static void handling(String column, int value) {
        stack.postgres().execute("INSERT INTO call_handling (tenant_id, " + column + ") VALUES ('acme', " + value
                + ")");
    }

    private static boolean shows(AgentScreen screen, String call, String state) {
        JsonNode c = screen.call(call);
        return c != null && state.equals(c.get("state").asText());
    }

    private static boolean everyScreen(Predicate<AgentScreen> check) {
        return check.test(doug) && check.test(rhonda);
    }

    private static JsonNode history(String query, String token) throws Exception {
        HttpResponse<String> response = get("/api/calls?" + query, token, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private static JsonNode onlyCall(JsonNode page) {
        assertThat(page.get("calls")).hasSize(1);
        return page.at("/calls/0");
    }

    private static <T> HttpResponse<T> get(String path, String token, HttpResponse.BodyHandler<T> body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create(stack.baseUrl(Stack.Service.PRESENCE_GATEWAY) + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), body);
    }

    private static String token(String tenant, String agent) throws Exception {
        HttpResponse<String> response = get("/dev/token?tenant=" + tenant + "&agent=" + agent, null,
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(response.body()).get("token").asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String nextCaller() {
        return String.format("+1555040%04d", callers++);
    }
}
