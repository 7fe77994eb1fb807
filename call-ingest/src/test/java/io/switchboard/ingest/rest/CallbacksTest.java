package io.switchboard.ingest.rest;

import static io.restassured.RestAssured.given;
import static io.switchboard.ingest.support.TwilioWebhooks.CALLER;
import static io.switchboard.ingest.support.TwilioWebhooks.CONFERENCE;
import static io.switchboard.ingest.support.TwilioWebhooks.DIAL_ENDED;
import static io.switchboard.ingest.support.TwilioWebhooks.HOLD;
import static io.switchboard.ingest.support.TwilioWebhooks.NUMBER;
import static io.switchboard.ingest.support.TwilioWebhooks.STATUS;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.form;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static io.switchboard.ingest.support.TwilioWebhooks.publicBaseUrl;
import static io.switchboard.ingest.support.TwilioWebhooks.signatureFor;
import static io.switchboard.ingest.support.TwilioWebhooks.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent.CallStatusChanged;
import io.switchboard.contract.TwilioEvent.CallerParked;
import io.switchboard.contract.TwilioEvent.ConferenceChanged;
import io.switchboard.contract.TwilioEvent.DialEnded;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.ingest.support.TwilioEventsTopic.Published;
import io.switchboard.stack.SwitchboardTestResource;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status callbacks, the end of a {@code <Dial>}, and the hold music. */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class CallbacksTest {
    /** The wait URL's connection overrides, as they appear in TwiML's XML. */
    private static final String HOLD_OVERRIDES = VoiceWebhooks.TWIML_OVERRIDES.replace("&", "&amp;");

    private static final String EMPTY_RESPONSE = "<Response/>";

    @Test
    void agentLegStatusNamesTheCallersCallTheLegAndTheAgent() {
        String callerCall = newCallSid();
        String agentLeg = newCallSid();

        post(STATUS + "?tenant=" + TENANT, form("CallSid", agentLeg, "ParentCallSid", callerCall,
                "CallStatus", "in-progress", "Direction", "outbound-dial", "From", CALLER, "To", "client:acme__doug",
                "SequenceNumber", "2", "Timestamp", "Mon, 16 Aug 2010 03:45:01 +0000", "CallbackSource", "call-progress-events"))
                .then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .body(endsWith(EMPTY_RESPONSE));

        Published published = TwilioEventsTopic.single(agentLeg);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.json()).contains("\"type\":\"status\"", "\"status\":\"in-progress\"");
        assertThat(published.event()).isInstanceOfSatisfying(CallStatusChanged.class, event -> {
            assertThat(event.eventId()).isEqualTo("status:" + agentLeg + ":2");
            assertThat(event.tenantId()).isEqualTo(TENANT);
            assertThat(event.callSid()).isEqualTo(callerCall);
            assertThat(event.legSid()).isEqualTo(agentLeg);
            assertThat(event.isAgentLeg()).isTrue();
            assertThat(event.status()).isEqualTo(TwilioCallStatus.IN_PROGRESS);
            assertThat(event.sequenceNumber()).isEqualTo(2);
            assertThat(event.occurredAt()).isEqualTo(Instant.parse("2010-08-16T03:45:01Z"));
            assertThat(event.direction()).isEqualTo("outbound-dial");
            assertThat(event.from()).isEqualTo(CALLER);
            assertThat(event.to()).isEqualTo("client:acme__doug");
            assertThat(event.agentId()).isEqualTo("doug");
            assertThat(event.receivedAt()).isNotNull();
        });
    }

    @Test
    void anAgentsConferenceLegNamesTheCallersCallFromItsCallbackUrl() {
        // Twilio gives the call it places to add a participant no ParentCallSid: call-state names the caller's call.
        String callerCall = newCallSid();
        String agentLeg = newCallSid();

        post(STATUS + "?tenant=" + TENANT + "&call=" + callerCall + "&claim=1700000000123", form("CallSid", agentLeg,
                "CallStatus", "in-progress", "Direction", "outbound-api", "From", NUMBER, "To", "client:acme__doug",
                "SequenceNumber", "2")).then().statusCode(200);

        assertThat(TwilioEventsTopic.single(agentLeg).event()).isInstanceOfSatisfying(CallStatusChanged.class, event -> {
            assertThat(event.callSid()).isEqualTo(callerCall);
            assertThat(event.legSid()).isEqualTo(agentLeg);
            assertThat(event.agentId()).isEqualTo("doug");
            assertThat(event.claim()).isEqualTo(1_700_000_000_123L);
        });
    }

    @Test
    void aConferenceCallbackNamesTheCallersCallTheConferenceAndTheParticipant() {
        String callerCall = newCallSid();
        String agentLeg = newCallSid();

        post(CONFERENCE + "?tenant=" + TENANT, form("AccountSid", "AC1", "ConferenceSid", "CF1" + callerCall,
                "FriendlyName", callerCall, "StatusCallbackEvent", "participant-hold", "CallSid", agentLeg, "Hold", "true",
                "Muted", "false", "ParticipantLabel", "doug", "SequenceNumber", "4",
                "Timestamp", "Mon, 16 Aug 2010 03:45:01 +0000")).then()
                .statusCode(200)
                .body(endsWith(EMPTY_RESPONSE));

        Published published = TwilioEventsTopic.single(callerCall);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.json()).contains("\"type\":\"conference\"");
        assertThat(published.event()).isEqualTo(new ConferenceChanged("conference:CF1" + callerCall + ":4", TENANT,
                callerCall, "CF1" + callerCall, "participant-hold", agentLeg, "doug", true, 4,
                null, published.event().receivedAt()));
    }

    @Test
    void aConferenceNotNamedAfterACallIsRefused() {
        post(CONFERENCE + "?tenant=" + TENANT, form("ConferenceSid", "CF2", "FriendlyName", "team-huddle",
                "StatusCallbackEvent", "conference-start", "SequenceNumber", "1")).then()
                .statusCode(400)
                .body(containsString("FriendlyName"));
    }

    @Test
    void callersOwnStatusTakesTheTenantFromTheNumberAndTheIdFromTheIdempotencyToken() {
        String callSid = newCallSid();
        Map<String, String> callback = form("CallSid", callSid, "CallStatus", "completed", "Direction", "inbound",
                "From", CALLER, "To", NUMBER);

        signed(STATUS, callback).header("I-Twilio-Idempotency-Token", "idem-1").post(STATUS).then()
                .statusCode(200)
                .body(endsWith(EMPTY_RESPONSE));

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.event()).isInstanceOfSatisfying(CallStatusChanged.class, event -> {
            assertThat(event.eventId()).isEqualTo("status:" + callSid + ":idem-1");
            assertThat(event.tenantId()).isEqualTo(TENANT);
            assertThat(event.callSid()).isEqualTo(callSid);
            assertThat(event.legSid()).isEqualTo(callSid);
            assertThat(event.isAgentLeg()).isFalse();
            assertThat(event.status()).isEqualTo(TwilioCallStatus.COMPLETED);
            assertThat(event.sequenceNumber()).isNull();
            assertThat(event.occurredAt()).isNull();
            assertThat(event.agentId()).isNull();
        });
    }

    /** Twilio must not retry a callback nobody can use, so it gets 200; nothing is published. */
    @Test
    void statusWhoseTenantCannotBeToldIsAnsweredButNotPublished() {
        String agentLeg = newCallSid();

        post(STATUS, form("CallSid", agentLeg, "ParentCallSid", newCallSid(), "CallStatus", "ringing",
                "To", "client:acme__doug", "From", CALLER)).then()
                .statusCode(200)
                .body(endsWith(EMPTY_RESPONSE));

        TwilioEventsTopic.assertNothingAbout(agentLeg);
    }

    /**
     * Two tenants on one Twilio account may both have a {@code doug}. A callback for this tenant's call whose leg
     * rings the other tenant's doug (or a client that names no tenant) is refused: it must not move this tenant's
     * doug, nor tell anybody about another tenant's agent.
     */
    @Test
    void agentLegOfAnotherTenantsAgentIsForbiddenAndNotPublished() {
        String callerCall = newCallSid();
        String foreignLeg = newCallSid();
        String bareLeg = newCallSid();

        post(STATUS + "?tenant=" + TENANT, form("CallSid", foreignLeg, "ParentCallSid", callerCall,
                "CallStatus", "in-progress", "Direction", "outbound-dial", "From", CALLER,
                "To", "client:" + ClientIdentity.of("globex", "doug"), "SequenceNumber", "2")).then()
                .statusCode(403)
                .contentType(startsWith("text/plain"))
                .body(containsString("of tenant 'globex', but the callback is for tenant '" + TENANT + "'"));
        post(STATUS + "?tenant=" + TENANT, form("CallSid", bareLeg, "ParentCallSid", callerCall,
                "CallStatus", "in-progress", "Direction", "outbound-dial", "From", CALLER, "To", "client:doug")).then()
                .statusCode(403)
                .body(containsString("names no tenant"));

        TwilioEventsTopic.assertNothingAbout(callerCall);
    }

    @Test
    void unknownCallStatusIsABadRequest() {
        String callSid = newCallSid();

        post(STATUS, form("CallSid", callSid, "CallStatus", "exploded", "To", NUMBER)).then()
                .statusCode(400)
                .contentType(startsWith("text/plain"))
                .body(containsString("CallStatus 'exploded' is not a Twilio call status"));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void aBodyFarBiggerThanAnyTwilioFormIsRefusedBeforeItIsRead() {
        String callSid = newCallSid();

        post(STATUS, form("CallSid", callSid, "CallStatus", "completed", "To", NUMBER,
                "Padding", "x".repeat(100_000))).then()
                .statusCode(413);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedToo() throws Exception {
        // No Content-Length to refuse it by up front: the limit holds while the body streams in.
        String callSid = newCallSid();
        String body = "CallSid=" + callSid + "&CallStatus=completed&To=" + NUMBER + "&Padding=" + "x".repeat(100_000);
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + STATUS))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", "not-checked-before-the-limit")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII))))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void unansweredDialSendsTheCallerBackToTheQueue() {
        String callSid = newCallSid();
        String dialCallSid = newCallSid();

        post(DIAL_ENDED + "?tenant=" + TENANT, form("CallSid", callSid, "DialCallSid", dialCallSid,
                "DialCallStatus", "no-answer", "From", CALLER, "To", NUMBER)).then()
                .statusCode(200)
                .body(containsString("<Response><Enqueue waitUrl=\"" + publicBaseUrl() + "/twilio/voice/hold#"
                        + HOLD_OVERRIDES + "\">"
                        + TENANT + "</Enqueue></Response>"));

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.json()).contains("\"type\":\"dial_ended\"");
        assertThat(published.event()).isInstanceOfSatisfying(DialEnded.class, event -> {
            assertThat(event.eventId()).isEqualTo("dial-ended:" + callSid + ":" + dialCallSid);
            assertThat(event.tenantId()).isEqualTo(TENANT);
            assertThat(event.dialCallSid()).isEqualTo(dialCallSid);
            assertThat(event.dialCallStatus()).isEqualTo(TwilioCallStatus.NO_ANSWER);
        });
    }

    @Test
    void completedDialHangsUp() {
        String callSid = newCallSid();

        post(DIAL_ENDED + "?tenant=" + TENANT, form("CallSid", callSid, "DialCallSid", newCallSid(),
                "DialCallStatus", "completed", "To", NUMBER)).then()
                .statusCode(200)
                .body(containsString("<Response><Hangup/></Response>"));

        assertThat(TwilioEventsTopic.single(callSid).event()).isInstanceOfSatisfying(DialEnded.class,
                event -> assertThat(event.dialCallStatus()).isEqualTo(TwilioCallStatus.COMPLETED));
    }

    @Test
    void holdPlaysTheHoldAudioForever() {
        String play = "<Response><Play loop=\"0\">http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
                + "</Play></Response>";

        post(HOLD, form("CallSid", newCallSid(), "QueueSid", "QU1", "QueueTime", "12")).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .body(containsString(play));
        signed(HOLD, Map.of()).get(HOLD).then()
                .statusCode(200)
                .body(containsString(play));
    }

    @Test
    void theParkingLotsWaitMusicTellsCallStateTheCallerReachedTheLot() {
        String callSid = newCallSid();

        post(HOLD + "?tenant=" + TENANT + "&parkedBy=doug&parkedAt=1700000000123",
                form("CallSid", callSid, "QueueSid", "QU1", "QueueTime", "0")).then()
                .statusCode(200)
                .body(containsString("<Play loop=\"0\">"));

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.event()).isEqualTo(new CallerParked("parked:" + callSid + ":1700000000123", TENANT,
                callSid, "doug", Instant.ofEpochMilli(1_700_000_000_123L), published.event().receivedAt()));
    }

    @Test
    void theRingingQueuesWaitMusicStoresNothing() {
        String callSid = newCallSid();
        post(HOLD, form("CallSid", callSid, "QueueSid", "QU1", "QueueTime", "12")).then().statusCode(200);
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void aParkingLotWaitUrlWithAGarbledParkTimeIsRefused() {
        String callSid = newCallSid();
        post(HOLD + "?tenant=" + TENANT + "&parkedBy=doug&parkedAt=soon", form("CallSid", callSid)).then()
                .statusCode(400)
                .body(containsString("parkedAt must be a whole number"));
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** For GET Twilio puts its parameters in the query string and signs that URL exactly as sent. */
    @Test
    void holdByGetIsSignedOverTheRawQueryString() {
        String pathAndQuery = HOLD + "?CallSid=" + newCallSid() + "&From=%2B15551230000&QueueTime=3";

        given().urlEncodingEnabled(false)
                .header("X-Twilio-Signature", signatureFor(pathAndQuery, Map.of()))
                .get(pathAndQuery).then()
                .statusCode(200)
                .body(containsString("<Play loop=\"0\">"));
    }
}
