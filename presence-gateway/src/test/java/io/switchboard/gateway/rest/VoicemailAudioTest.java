package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.CapturedLogs;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.gateway.support.TwilioSimulatorResource;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.RecordingView;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Playing a voicemail: the gateway fetches the recording from Twilio (the simulator) and streams it to the agent. */
@QuarkusTest
@TestProfile(VoicemailAudioTest.WithTwilio.class)
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class VoicemailAudioTest {
    static final String TENANT = "buzon";

    public static class WithTwilio implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TwilioSimulatorResource.class));
        }
    }

    private static boolean seeded;

    @BeforeEach
    void seed() {
        Gateway.awaitReady();
        if (!seeded) {
            seeded = true;
            Gateway.seedTenant(TENANT, "doug", "rhonda");
            Gateway.seedTenant("ajeno", "olga");
        }
    }

    private static TwilioSimulator twilio() {
        return TwilioSimulatorResource.simulator();
    }

    /** A call that reached voicemail, its recording at the simulator, and the voicemail call-state stored for it. */
    private static RecordingView voicemail(String tenant, long seconds) {
        String callSid = twilio().placeCall("+14155550123", TwilioSimulatorResource.NUMBER);
        RecordingView recording = twilio().storeRecording(callSid, seconds);
        store(tenant, recording.sid(), callSid, recording.url());
        return recording;
    }

    private static void store(String tenant, String voicemailId, String callSid, String recordingUrl) {
        CallStateDouble.sql("INSERT INTO voicemails (id, tenant_id, call_sid, from_number, to_number, recorded_at,"
                + " duration_seconds, recording_url) VALUES ('" + voicemailId + "', '" + tenant + "', '" + callSid
                + "', '+14155550123', '+15005550006', now(), 3, '" + recordingUrl + "')");
    }

    private static Response play(String tenant, String agent, String voicemailId) {
        return given().auth().oauth2(Tokens.agent(tenant, agent)).get("/api/voicemails/" + voicemailId + "/audio");
    }

    @Test
    void anAgentHearsTheRecordingAsTwilioStoredItWithItsLength() {
        RecordingView recording = voicemail(TENANT, 3);

        Response answer = play(TENANT, "rhonda", recording.sid());

        answer.then().statusCode(200).contentType("audio/wav");
        byte[] wav = answer.asByteArray();
        assertThat(answer.header("Content-Length")).isEqualTo(Integer.toString(wav.length));
        assertThat(wav).isEqualTo(twilioMedia(recording.url() + ".wav"));
        ByteBuffer header = ByteBuffer.wrap(wav, 0, 44).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(wav, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WAVE");
        int bytesPerSecond = header.getInt(28);
        int dataBytes = header.getInt(40);
        assertThat(dataBytes / bytesPerSecond).as("seconds of audio").isEqualTo(3);
        assertThat(wav.length).isEqualTo(44 + dataBytes);
    }

    @Test
    void anotherTenantsVoicemailIsAsUnknownAsOneThatNeverWas() {
        RecordingView theirs = voicemail("ajeno", 1);
        String unknown = "RE" + "f".repeat(32);

        String foreign = play(TENANT, "doug", theirs.sid()).then().statusCode(404).extract().path("message");
        String never = play(TENANT, "doug", unknown).then().statusCode(404).extract().path("message");

        assertThat(foreign.replace(theirs.sid(), "X")).isEqualTo(never.replace(unknown, "X"));
        play("ajeno", "olga", theirs.sid()).then().statusCode(200);
        play(TENANT, "doug", "CA" + "0".repeat(32)).then().statusCode(400)
                .body("message", containsString("RE and 32 hex digits"));
    }

    @Test
    void aRecordingTwilioNoLongerHasIs404AndTwilioFailingIs502() throws Exception {
        RecordingView deleted = voicemail(TENANT, 1);
        HttpResponse<String> removed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(deleted.url() + ".json")).header("Authorization", accountAuth()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(removed.statusCode()).isEqualTo(204);
        play(TENANT, "doug", deleted.sid()).then().statusCode(404)
                .body("message", containsString("Twilio has no such recording"));

        RecordingView kept = voicemail(TENANT, 1);
        twilio().apiDown(true);
        try {
            play(TENANT, "doug", kept.sid()).then().statusCode(502)
                    .body("message", containsString("Twilio answered 503"));
        } finally {
            twilio().apiDown(false);
        }
        play(TENANT, "doug", kept.sid()).then().statusCode(200);
    }

    @Test
    void aStoredUrlOutsideTwilioIsNeverFetchedNorGivenTheCredentials() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress("localhost", 0), 4);
        elsewhere.createContext("/", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        elsewhere.start();
        String voicemailId = "RE" + "e".repeat(32);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            store(TENANT, voicemailId, "CA-elsewhere", "http://localhost:" + elsewhere.getAddress().getPort()
                    + "/2010-04-01/Accounts/" + twilio().accountSid() + "/Recordings/" + voicemailId);

            String body = play(TENANT, "doug", voicemailId).then().statusCode(502)
                    .body("message", containsString("not at Twilio's API")).extract().asString();

            assertThat(asked).hasValue(0);
            assertThat(body).doesNotContain(twilio().authToken());
            assertThat(logs.messages()).anySatisfy(line -> assertThat(line)
                    .contains(voicemailId, "outside Twilio's API"));
            assertThat(logs.messages()).noneSatisfy(line -> assertThat(line).contains(twilio().authToken()));
        } finally {
            elsewhere.stop(0);
        }
    }

    @Test
    void onlyAnActiveAgentOfTheTenantPlaysIt() {
        RecordingView recording = voicemail(TENANT, 1);
        given().get("/api/voicemails/" + recording.sid() + "/audio").then().statusCode(401);
        given().auth().oauth2(Tokens.expired(TENANT, "doug")).get("/api/voicemails/" + recording.sid() + "/audio")
                .then().statusCode(401);
        given().auth().oauth2(Tokens.withoutAgentGroup(TENANT, "doug"))
                .get("/api/voicemails/" + recording.sid() + "/audio").then().statusCode(403);
        Gateway.seedRetiredAgent();
        play("acme", "retired", recording.sid()).then().statusCode(403)
                .body("message", containsString("deactivated"));
    }

    private static byte[] twilioMedia(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", accountAuth()).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String accountAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((twilio().accountSid() + ":" + twilio().authToken())
                .getBytes(StandardCharsets.UTF_8));
    }
}
