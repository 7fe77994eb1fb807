package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.Recording;
import io.switchboard.stack.twilio.WebhookReceiver.Received;
import io.switchboard.stack.twilio.WebhookReceiver.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.Test;

/**
 * What the call center's voicemail and forward need of Twilio: a caller redirected to {@code <Record>}, the recording's
 * status callback, its media and resource over REST, and a {@code <Dial>} to an overflow number.
 */
class VoicemailTest extends CallCenterOnTwilio {
    private static final String OVERFLOW = "+15551112222";
    private static final String FORWARD_CALLER_ID = "+15559990000";
    private static final String API_KEY = "SK00000000000000000000000000000001";
    private static final String API_SECRET = "key-secret";
    private static final String ENQUEUE = "<Response><Enqueue>acme</Enqueue></Response>";
    private static final String RECORDING_SID = "RE[0-9a-f]{32}";

    @Override
    WebhookReceiver answers(WebhookReceiver receiver) {
        return receiver
                .on("/twilio/voice/incoming", r -> Reply.twiml(ENQUEUE))
                .on("/twilio/voice/voicemail", r -> Reply.twiml(voicemail("120", "completed")))
                .on("/twilio/voice/recorded", r -> Reply.twiml("<Response><Say>Thank you</Say><Hangup/></Response>"))
                .on("/twilio/voice/forwarded", r -> Reply.twiml("<Response><Hangup/></Response>"));
    }

    @Override
    TwilioSimulator.Config configure(TwilioSimulator.Config withNumber) {
        return withNumber.withApiKey(API_KEY, API_SECRET);
    }

    @Test
    void aCallerWhoHangsUpAfterSpeakingLeavesARecordingTheApplicationHearsOfAndFetches() throws Exception {
        String caller = enqueuedCall();
        Call.updater(caller).setUrl(app.url("/twilio/voice/voicemail?tenant=acme")).update(rest);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("recording"));

        Thread.sleep(2_200); // the caller speaks
        twilio.hangup(caller);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/recording")).hasSize(1));
        Received callback = app.received("/twilio/voice/recording").get(0);
        assertThat(callback.method()).isEqualTo("POST");
        assertThat(callback.url()).isEqualTo(app.url("/twilio/voice/recording?tenant=acme"));
        assertThat(callback.signatureValid()).isTrue();
        String sid = callback.param("RecordingSid");
        assertThat(sid).matches(RECORDING_SID);
        assertThat(callback.params()).containsAllEntriesOf(Map.of("AccountSid", twilio.accountSid(),
                "CallSid", caller, "RecordingStatus", "completed", "RecordingChannels", "1",
                "RecordingSource", "RecordVerb", "ErrorCode", "0",
                "RecordingUrl", twilio.baseUrl() + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Recordings/" + sid));
        assertThat(callback.param("RecordingStartTime")).matches(RFC_2822);
        long seconds = Long.parseLong(callback.param("RecordingDuration"));
        assertThat(seconds).isBetween(2L, 3L);
        // The caller hung up: Twilio still tells the action, with Digits=hangup, and runs nothing it answers.
        assertThat(app.received("/twilio/voice/recorded")).singleElement().satisfies(action -> {
            assertThat(action.params()).containsEntry("RecordingSid", sid).containsEntry("Digits", "hangup")
                    .containsEntry("RecordingUrl", callback.param("RecordingUrl"))
                    .containsEntry("RecordingDuration", Long.toString(seconds))
                    .containsEntry("CallStatus", "completed").containsEntry("CallSid", caller);
        });
        assertThat(twilio.call(caller).status()).isEqualTo("completed");
        assertThat(twilio.recordings(caller)).singleElement().satisfies(r -> {
            assertThat(r.sid()).isEqualTo(sid);
            assertThat(r.completed()).isTrue();
            assertThat(r.durationSeconds()).isEqualTo(seconds);
            assertThat(r.url()).isEqualTo(callback.param("RecordingUrl"));
        });

        HttpResponse<byte[]> wav = fetch(callback.param("RecordingUrl"), twilio.accountSid(), twilio.authToken());
        assertThat(wav.statusCode()).isEqualTo(200);
        assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/x-wav");
        assertPhoneWav(wav.body(), seconds);
        assertThat(fetch(callback.param("RecordingUrl") + ".wav", twilio.accountSid(), twilio.authToken()).body())
                .isEqualTo(wav.body());

        Recording resource = Recording.fetcher(sid).fetch(rest);
        assertThat(resource.getSid()).isEqualTo(sid);
        assertThat(resource.getAccountSid()).isEqualTo(twilio.accountSid());
        assertThat(resource.getCallSid()).isEqualTo(caller);
        assertThat(resource.getDuration()).isEqualTo(Long.toString(seconds));
        assertThat(resource.getStatus()).isEqualTo(Recording.Status.COMPLETED);
        assertThat(resource.getSource()).isEqualTo(Recording.Source.RECORD_VERB);
        assertThat(resource.getChannels()).isEqualTo(1);
        assertThat(resource.getStartTime()).isNotNull();
        assertThat(resource.getDateCreated()).isNotNull();
        assertThat(resource.getUri()).isEqualTo("/2010-04-01/Accounts/" + twilio.accountSid() + "/Recordings/" + sid
                + ".json");
        assertThat(resource.getMediaUrl()).hasToString(callback.param("RecordingUrl"));
    }

    @Test
    void aRecordingsMediaNeedsTheAccountsCredentialsOrAnApiKey() throws Exception {
        String caller = enqueuedCall();
        RecordingView stored = twilio.storeRecording(caller, 3);

        HttpResponse<byte[]> anonymous = http.send(HttpRequest.newBuilder(URI.create(stored.url())).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> wrong = fetch(stored.url(), twilio.accountSid(), "not-the-token");
        HttpResponse<byte[]> keyed = fetch(stored.url(), API_KEY, API_SECRET);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json.readValue(anonymous.body(), Map.class)).containsEntry("code", 20003);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(keyed.statusCode()).isEqualTo(200);
        assertPhoneWav(keyed.body(), 3);
        assertThat(stored.sid()).matches(RECORDING_SID);
        assertThat(stored.callSid()).isEqualTo(caller);
        assertThat(twilio.recording(stored.sid())).isEqualTo(stored);
    }

    @Test
    void anUnknownRecordingIs404WithTwiliosError() throws Exception {
        String unknown = "RE" + "0".repeat(32);
        String path = "/2010-04-01/Accounts/" + twilio.accountSid() + "/Recordings/" + unknown;

        for (String suffix : new String[] {"", ".wav", ".json"}) {
            HttpResponse<byte[]> raw = fetch(twilio.baseUrl() + path + suffix, twilio.accountSid(), twilio.authToken());
            assertThat(raw.statusCode()).as(suffix).isEqualTo(404);
            assertThat(json.readValue(raw.body(), Map.class)).as(suffix).containsEntry("code", 20404)
                    .containsEntry("status", 404);
        }
        assertThatThrownBy(() -> Recording.fetcher(unknown).fetch(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
        assertThatThrownBy(() -> twilio.recording(unknown)).isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void aDeletedRecordingIsGone() {
        RecordingView stored = twilio.storeRecording(enqueuedCall(), 1);

        assertThat(Recording.deleter(stored.sid()).delete(rest)).isTrue();

        assertThatThrownBy(() -> Recording.fetcher(stored.sid()).fetch(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
        assertThat(twilio.recordings()).isEmpty();
    }

    @Test
    void aCallerWhoHangsUpAtOnceLeavesAnAbsentRecordingAndNoActionRequest() throws Exception {
        app.on("/twilio/voice/voicemail", r -> Reply.twiml(voicemail("120", "completed absent")));
        String caller = enqueuedCall();
        Call.updater(caller).setUrl(app.url("/twilio/voice/voicemail?tenant=acme")).update(rest);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("recording"));

        twilio.hangup(caller);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/recording")).hasSize(1));
        Received callback = app.received("/twilio/voice/recording").get(0);
        assertThat(callback.params()).containsEntry("RecordingStatus", "absent")
                .containsEntry("RecordingDuration", "0").containsEntry("ErrorCode", "16101")
                .containsEntry("CallSid", caller);
        // Twilio makes no action request for an empty recording; the call's own end is reported as ever.
        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).hasSize(1));
        assertThat(app.received("/twilio/voice/recorded")).isEmpty();
        RecordingView absent = twilio.recording(callback.param("RecordingSid"));
        assertThat(absent.status()).isEqualTo("absent");
        assertThat(fetch(absent.url(), twilio.accountSid(), twilio.authToken()).statusCode()).isEqualTo(404);
        assertThat(Recording.fetcher(absent.sid()).fetch(rest).getErrorCode()).isEqualTo(16101);
    }

    @Test
    void aCallerStillSpeakingWhenMaxLengthPassesIsHandedToTheAction() {
        app.on("/twilio/voice/voicemail", r -> Reply.twiml(voicemail("1", "completed")));
        String caller = enqueuedCall();
        Call.updater(caller).setUrl(app.url("/twilio/voice/voicemail?tenant=acme")).update(rest);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/recorded")).hasSize(1));
        Received action = app.received("/twilio/voice/recorded").get(0);
        assertThat(action.method()).isEqualTo("POST");
        assertThat(action.params()).containsEntry("RecordingDuration", "1").containsEntry("CallSid", caller)
                .containsEntry("CallStatus", "in-progress").doesNotContainKey("Digits");
        assertThat(action.param("RecordingSid")).matches(RECORDING_SID);
        assertThat(action.param("RecordingUrl")).endsWith("/Recordings/" + action.param("RecordingSid"));
        // What the action answers runs: here it hangs up.
        await().untilAsserted(() -> assertThat(twilio.call(caller).status()).isEqualTo("completed"));
        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/recording")).singleElement()
                .satisfies(r -> assertThat(r.params()).containsEntry("RecordingStatus", "completed")
                        .containsEntry("RecordingDuration", "1")
                        .containsEntry("RecordingSid", action.param("RecordingSid"))));
    }

    @Test
    void aRecordGivenAsTwimlOverRestReportsItsRecordingByTheMethodAskedFor() {
        String caller = enqueuedCall();

        Call.updater(caller).setTwiml("<Response><Say>Please leave a message</Say><Record maxLength=\"1\" action=\""
                + app.url("/twilio/voice/recorded") + "\" recordingStatusCallback=\""
                + app.url("/twilio/voice/recording") + "\" recordingStatusCallbackMethod=\"GET\"/></Response>")
                .update(rest);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/recording")).singleElement()
                .satisfies(r -> {
                    assertThat(r.method()).isEqualTo("GET");
                    assertThat(r.params()).containsEntry("RecordingStatus", "completed");
                }));
        assertThat(app.received("/twilio/voice/recorded")).hasSize(1);
    }

    @Test
    void aForwardRingsTheOverflowNumberWithTheCallerIdAndReportsTheDialToItsAction() throws Exception {
        String caller = enqueuedCall();

        Call.updater(caller).setTwiml(forward(20)).update(rest);

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("bridged:" + OVERFLOW));
        String leg = twilio.call(caller).agentLegSid();
        CallView forwarded = twilio.call(leg);
        assertThat(forwarded.from()).isEqualTo(FORWARD_CALLER_ID);
        assertThat(forwarded.to()).isEqualTo(OVERFLOW);
        assertThat(forwarded.direction()).isEqualTo("outbound-dial");
        assertThat(forwarded.parentCallSid()).isEqualTo(caller);
        Thread.sleep(1_100); // they talk
        twilio.hangup(leg);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/forwarded")).hasSize(1));
        Received action = app.received("/twilio/voice/forwarded").get(0);
        assertThat(action.params()).containsEntry("DialCallStatus", "completed").containsEntry("DialCallSid", leg)
                .containsEntry("CallSid", caller).containsEntry("From", CALLER)
                .containsEntry("DialBridged", "true");
        assertThat(Long.parseLong(action.param("DialCallDuration"))).isGreaterThanOrEqualTo(1);
        await().untilAsserted(() -> assertThat(twilio.call(caller).status()).isEqualTo("completed"));
    }

    @Test
    void aForwardNobodyAnswersReportsNoAnswer() {
        twilio.answerMode(OVERFLOW, AnswerMode.IGNORE);
        String caller = enqueuedCall();

        Call.updater(caller).setTwiml(forward(1)).update(rest);

        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/forwarded")).hasSize(1));
        Received action = app.received("/twilio/voice/forwarded").get(0);
        assertThat(action.params()).containsEntry("DialCallStatus", "no-answer")
                .containsEntry("DialCallSid", twilio.call(caller).agentLegSid())
                .containsEntry("DialCallDuration", "0").containsEntry("DialBridged", "false");
        assertThat(twilio.call(twilio.call(caller).agentLegSid()).status()).isEqualTo("no-answer");
    }

    @Test
    void theControlApiListsAndStoresRecordings() throws Exception {
        String caller = enqueuedCall();

        HttpResponse<String> stored = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/calls/"
                + caller + "/recordings")).POST(HttpRequest.BodyPublishers.ofString("{\"seconds\":2}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/calls/"
                + caller + "/recordings")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/recordings"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(stored.statusCode()).isEqualTo(201);
        String sid = json.readTree(stored.body()).get("sid").asText();
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(listed.body())).singleElement().satisfies(r -> {
            assertThat(r.get("sid").asText()).isEqualTo(sid);
            assertThat(r.get("callSid").asText()).isEqualTo(caller);
            assertThat(r.get("durationSeconds").asLong()).isEqualTo(2);
            assertThat(r.get("url").asText()).isEqualTo(twilio.recording(sid).url());
        });
    }

    /** What call-ingest answers when no agent takes the call: a word, then the recording. */
    private String voicemail(String maxLength, String events) {
        return "<Response><Say>Nobody can take your call. Please leave a message after the beep.</Say>"
                + "<Record action=\"/twilio/voice/recorded\" maxLength=\"" + maxLength + "\" playBeep=\"true\" "
                + "recordingStatusCallback=\"/twilio/voice/recording?tenant=acme\" "
                + "recordingStatusCallbackEvent=\"" + events + "\"/></Response>";
    }

    private String forward(int timeoutSeconds) {
        return "<Response><Dial callerId=\"" + FORWARD_CALLER_ID + "\" timeout=\"" + timeoutSeconds + "\" action=\""
                + app.url("/twilio/voice/forwarded") + "\">" + OVERFLOW + "</Dial></Response>";
    }

    private String enqueuedCall() {
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        return caller;
    }

    private HttpResponse<byte[]> fetch(String url, String user, String password) throws Exception {
        String credentials = user + ":" + password;
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A RIFF/WAVE PCM file, 8 kHz mono 16-bit, of exactly {@code seconds}, as the JDK's own reader sees it. */
    private static void assertPhoneWav(byte[] wav, long seconds) throws IOException, UnsupportedAudioFileException {
        ByteBuffer header = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(wav, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WAVE");
        assertThat(header.getInt(4)).isEqualTo(wav.length - 8);
        AudioFileFormat file = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(wav));
        AudioFormat format = file.getFormat();
        assertThat(file.getType()).isEqualTo(AudioFileFormat.Type.WAVE);
        assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        assertThat(format.getSampleRate()).isEqualTo(8000f);
        assertThat(format.getChannels()).isEqualTo(1);
        assertThat(format.getSampleSizeInBits()).isEqualTo(16);
        assertThat(format.isBigEndian()).isFalse();
        assertThat(file.getFrameLength()).isEqualTo(seconds * 8000);
        assertThat(Duration.ofMillis(file.getFrameLength() * 1000 / (long) format.getFrameRate()))
                .isEqualTo(Duration.ofSeconds(seconds));
        // Not silence: a tone the gateway's player can be heard playing.
        short loudest = 0;
        for (int i = 44; i + 1 < Math.min(wav.length, 44 + 400); i += 2) {
            loudest = (short) Math.max(loudest, Math.abs(header.getShort(i)));
        }
        assertThat(loudest).isGreaterThan((short) 1000);
    }
}
