package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.Json;
import io.switchboard.stack.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on one Twilio account, each with an agent {@code doug}, across the packaged services: an agent of one
 * tenant cannot touch the other's calls, the other tenant's screens see nothing of it, and Twilio only ever rings the
 * right doug. Then, after tokens went through URLs, headers and refusals, no secret is in any service's log.
 */
class TenantIsolationTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String ACME_NUMBER = "+15005550006";
    static final String CALLER = "+15551239876";
    /** A Twilio API key secret the gateway signs softphone tokens with; it must never be logged. */
    static final String API_KEY_SECRET = "e2e-api-key-secret-0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stack stack;
    static AgentScreen acmeDoug;
    static AgentScreen acmeRhonda;
    static AgentScreen globexDoug;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("tenant-isolation", o -> o
                // Access logs on, as an operator might turn them: the socket's ?access_token= must not reach them.
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true")
                .withServiceEnv(Stack.Service.CALL_INGEST, "QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true")
                // The softphone's tokens are signed locally: the simulator's account needs no cloud.
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "TWILIO_API_KEY_SID", "SK" + "0".repeat(32))
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "TWILIO_API_KEY_SECRET", API_KEY_SECRET));
        stack.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('globex', 'Globex') ON CONFLICT DO NOTHING;
                INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550009', 'globex')
                    ON CONFLICT DO NOTHING;
                INSERT INTO voip_users (tenant_id, id, name) VALUES ('globex', 'doug', 'Doug of Globex')
                    ON CONFLICT DO NOTHING;""");
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        acmeDoug = AgentScreen.open(gateway, "acme", "doug");
        acmeRhonda = AgentScreen.open(gateway, "acme", "rhonda");
        globexDoug = AgentScreen.open(gateway, "globex", "doug");
        EndToEnd.awaitSnapshots(WAIT, acmeDoug, acmeRhonda, globexDoug);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(acmeDoug, acmeRhonda, globexDoug, stack);
    }

    @Test
    void anotherTenantsAgentCannotTouchACallAndTwilioRingsOnlyTheTenantsOwnDoug() {
        String call = stack.simulator().placeCall(CALLER, ACME_NUMBER);
        await().atMost(WAIT).until(() -> acmeDoug.rings(call) && acmeRhonda.rings(call));
        long acmeSeq = acmeRhonda.seq();

        // Globex's doug names acme's call in every command: refused as an unknown call, each.
        for (String type : List.of("claim", "retrieve", "park", "hangup")) {
            JsonNode reply = globexDoug.awaitReply(globexDoug.send(type, call));
            assertThat(reply.get("type").asText()).as(type).isEqualTo("error");
            assertThat(reply.get("code").asText()).as(type).isEqualTo("call_not_found");
        }

        // Nothing happened: acme's screens still ring with nothing new but the wallboard's figures of the ringing
        // call, globex's screen never heard of the call, and Twilio still holds the caller in acme's queue.
        assertThat(acmeRhonda.frames(frame -> frame.path("seq").asLong() > acmeSeq
                && !"snapshot".equals(frame.path("type").asText())))
                .allMatch(frame -> "wallboard".equals(frame.path("type").asText()));
        assertThat(acmeDoug.rings(call) && acmeRhonda.rings(call)).isTrue();
        assertThat(globexDoug.frames(frame -> frame.toString().contains(call))).isEmpty();
        assertThat(stack.simulator().call(call).activity()).isEqualTo("enqueued:acme");

        // Acme's doug answers: Twilio rings acme's doug's client, never globex's doug of the same name.
        acmeDoug.ack("claim", call);
        await().atMost(WAIT).until(() -> acmeRhonda.showsOnCall(call, "doug", CALLER));
        assertThat(stack.simulator().call(call).talkingWith())
                .containsExactly("client:" + ClientIdentity.of("acme", "doug"));
        assertThat(stack.simulator().calls()).noneMatch(c -> String.valueOf(c.to()).contains("globex"));
        assertThat(globexDoug.frames(frame -> frame.toString().contains(call))).isEmpty();
        assertThat(globexDoug.agentField("doug", "status")).isEqualTo("available");

        stack.simulator().hangup(call);
        await().atMost(WAIT).until(() -> acmeDoug.call(call) == null && acmeRhonda.call(call) == null);
    }

    /**
     * Tokens travel in the socket's query string, in bearer headers and in answers (the softphone's Twilio token);
     * bad ones are refused. None of them, nor the Twilio auth token or API key secret, is in any service's log — with
     * access logs on.
     */
    @Test
    void noSecretReachesAnyLog() throws Exception {
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        String agentToken = devToken("acme", "rhonda");
        HttpResponse<String> voice = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/agent/voice-token"))
                .header("Authorization", "Bearer " + agentToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(voice.statusCode()).isEqualTo(200);
        assertThat(voice.body()).contains("\"identity\":\"acme__rhonda\"");
        // Refused tokens: tampered, in the query string and in a header.
        String tampered = agentToken.substring(0, agentToken.length() - 4) + "AAAA";
        assertThat(upgradeStatus(gateway + "/agent/ws?access_token=" + tampered, null)).isEqualTo(401);
        assertThat(upgradeStatus(gateway + "/agent/ws", tampered)).isEqualTo(401);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/agent/voice-token?access_token="
                + tampered)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        // A webhook refused for its signature, with a token-like value among its parameters.
        String ingest = stack.baseUrl(Stack.Service.CALL_INGEST);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/twilio/voice/incoming"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", "forged")
                .POST(HttpRequest.BodyPublishers.ofString("CallSid=CAx&To=%2B15005550006&From=" + tampered))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);

        String gatewayLog = Files.readString(stack.logFile(Stack.Service.PRESENCE_GATEWAY));
        assertThat(gatewayLog).as("the gateway's access log is on, so the check below means something")
                .contains("/agent/ws").contains("/agent/voice-token");
        for (Stack.Service service : Stack.Service.values()) {
            String log = Files.readString(stack.logFile(service));
            assertThat(log).as(service + "'s log")
                    .doesNotContain(stack.simulator().authToken())
                    .doesNotContain(API_KEY_SECRET)
                    .doesNotContain(agentToken)
                    .doesNotContainPattern(Pattern.compile("eyJ[\\w-]{8,}"))
                    .doesNotContain("access_token=");
        }
    }

    private static String devToken(String tenant, String agent) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                stack.baseUrl(Stack.Service.PRESENCE_GATEWAY) + "/dev/token?tenant=" + tenant + "&agent=" + agent))
                .build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(response.body()).get("token").asText();
    }

    /** The status a refused WebSocket upgrade was answered with; 101 if it opened. */
    private static int upgradeStatus(String url, String bearer) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        try {
            builder.buildAsync(URI.create(url.replaceFirst("^http", "ws")), new WebSocket.Listener() { })
                    .orTimeout(20, TimeUnit.SECONDS).join().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
