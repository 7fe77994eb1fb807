package io.switchboard.ingest.rest;

import static io.switchboard.ingest.support.TwilioWebhooks.CALLER;
import static io.switchboard.ingest.support.TwilioWebhooks.FORWARD;
import static io.switchboard.ingest.support.TwilioWebhooks.FORWARD_ENDED;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.RECORDING;
import static io.switchboard.ingest.support.TwilioWebhooks.VOICEMAIL;
import static io.switchboard.ingest.support.TwilioWebhooks.VOICEMAIL_DONE;
import static io.switchboard.ingest.support.TwilioWebhooks.form;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static io.switchboard.ingest.support.TwilioWebhooks.postTo;
import static io.switchboard.ingest.support.TwilioWebhooks.publicBaseUrl;
import static io.switchboard.ingest.support.TwilioWebhooks.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent.CallIncoming;
import io.switchboard.contract.TwilioEvent.ForwardEnded;
import io.switchboard.contract.TwilioEvent.RecordingStored;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.ingest.support.TwilioEventsTopic.Published;
import io.switchboard.ingest.twiml.TwimlAnswers;
import io.switchboard.stack.SwitchboardTestResource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Business hours on incoming calls, and the voicemail's, recording's and forward's webhooks, with each tenant's
 * {@code call_handling} row in the test's PostgreSQL. Each test has tenants of its own, so the seed tenant stays open
 * for the other test classes.
 */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class VoicemailTest {
    private static final String CALLBACK_OVERRIDES = "#" + VoiceWebhooks.CALLBACK_OVERRIDES;
    private static final String TWIML_OVERRIDES = "#" + VoiceWebhooks.TWIML_OVERRIDES;

    /** A tenant of its own with one number, and its call_handling row when {@code settings} is not null. */
    private record Tenant(String id, String number) {
        Map<String, String> incomingCall(String callSid) {
            Map<String, String> form = VoicemailTest.incomingCallTo(callSid, number);
            return form;
        }
    }

    private static Tenant tenant(String settings) {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String number = "+1500" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
        SwitchboardTestResource.postgres().execute("INSERT INTO tenants (id, name) VALUES ('" + id + "', '" + id
                + "'); INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('" + number + "', '" + id + "')");
        if (settings != null) {
            handling(id, settings);
        }
        return new Tenant(id, number);
    }

    /** Sets the tenant's call_handling columns: {@code "after_hours = 'message', weekly_hours = '{}'"}. */
    private static void handling(String tenantId, String settings) {
        SwitchboardTestResource.postgres().execute("INSERT INTO call_handling (tenant_id) VALUES ('" + tenantId
                + "') ON CONFLICT DO NOTHING; UPDATE call_handling SET " + settings + " WHERE tenant_id = '" + tenantId
                + "'");
    }

    private static Map<String, String> incomingCallTo(String callSid, String number) {
        Map<String, String> form = incomingCall(callSid);
        form.put("To", number);
        return form;
    }

    @Test
    void aCallOutsideBusinessHoursGetsTheVoicemailAndItsEventSaysSo() {
        // No day named: closed all week.
        Tenant closed = tenant("weekly_hours = '{}', after_hours_message = 'We are closed today.',"
                + " greeting_text = 'Please leave your name and number.'");
        String callSid = newCallSid();

        String twiml = post(INCOMING, closed.incomingCall(callSid)).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .extract().asString();

        List<Element> verbs = verbs(twiml);
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Say", "Record", "Hangup");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("We are closed today.");
        assertThat(verbs.get(1).getTextContent()).isEqualTo("Please leave your name and number.");
        assertRecords(verbs.get(2), closed, callSid, closed.number());
        assertThat(TwilioEventsTopic.single(callSid).event()).isInstanceOfSatisfying(CallIncoming.class, event -> {
            assertThat(event.tenantId()).isEqualTo(closed.id());
            assertThat(event.afterHours()).isEqualTo(CallIncoming.VOICEMAIL);
            assertThat(event.from()).isEqualTo(CALLER);
        });
    }

    @Test
    void aCallOutsideBusinessHoursGetsTheMessageAndAHangUpWhenTheTenantSaysSo() {
        Tenant closed = tenant("weekly_hours = '{\"sat\": []}', after_hours = 'message',"
                + " after_hours_message = 'Our lines open at nine. Goodbye.'");
        String callSid = newCallSid();

        String twiml = post(INCOMING, closed.incomingCall(callSid)).then().statusCode(200).extract().asString();

        assertThat(twiml).endsWith("<Response><Say>Our lines open at nine. Goodbye.</Say><Hangup/></Response>");
        assertThat(TwilioEventsTopic.single(callSid).event()).isInstanceOfSatisfying(CallIncoming.class,
                event -> assertThat(event.afterHours()).isEqualTo(CallIncoming.MESSAGE));

        // Without a message of its own, the tenant's callers hear a default one; the change needs no restart.
        handling(closed.id(), "after_hours_message = NULL");
        post(INCOMING, closed.incomingCall(newCallSid())).then()
                .statusCode(200)
                .body(containsString("<Say>" + TwimlAnswers.DEFAULT_AFTER_HOURS_MESSAGE + "</Say><Hangup/>"));
    }

    @Test
    void aCallInBusinessHoursIsQueuedAsBeforeAndAClosedDateTurnsItAwayAtOnce() {
        String allWeek = "[\"00:00-24:00\"]";
        Tenant open = tenant("weekly_hours = '{\"mon\":" + allWeek + ",\"tue\":" + allWeek + ",\"wed\":" + allWeek
                + ",\"thu\":" + allWeek + ",\"fri\":" + allWeek + ",\"sat\":" + allWeek + ",\"sun\":" + allWeek
                + "}', time_zone = 'UTC'");
        String callSid = newCallSid();

        post(INCOMING, open.incomingCall(callSid)).then()
                .statusCode(200)
                .body(containsString("<Response><Enqueue waitUrl=\"" + publicBaseUrl() + "/twilio/voice/hold#"));
        assertThat(TwilioEventsTopic.single(callSid).event()).isInstanceOfSatisfying(CallIncoming.class,
                event -> assertThat(event.afterHours()).isNull());
        assertThat(TwilioEventsTopic.single(callSid).json()).doesNotContain("afterHours\":\"");

        // Today is closed (yesterday and tomorrow too: the test may run across midnight).
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        handling(open.id(), "closed_dates = '{" + today.minusDays(1) + "," + today + "," + today.plusDays(1) + "}'");
        String closedSid = newCallSid();
        post(INCOMING, open.incomingCall(closedSid)).then().statusCode(200).body(containsString("<Record "));
        assertThat(TwilioEventsTopic.single(closedSid).event()).isInstanceOfSatisfying(CallIncoming.class,
                event -> assertThat(event.afterHours()).isEqualTo(CallIncoming.VOICEMAIL));
    }

    @Test
    void settingsThisServiceCannotReadLeaveTheTenantOpen() {
        // The database does not check time zones: a row nobody validated must not send every caller to voicemail.
        Tenant broken = tenant("weekly_hours = '{}', time_zone = 'Mars/Olympus_Mons'");
        String callSid = newCallSid();

        post(INCOMING, broken.incomingCall(callSid)).then().statusCode(200).body(containsString("<Enqueue"));
    }

    @Test
    void theVoicemailPlaysTheTenantsGreetingThenRecordsWithCallbacksNamingTheCall() {
        Tenant withoutSettings = tenant(null);
        Tenant withText = tenant("greeting_text = 'You have reached Globex. Speak after the tone.'");
        Tenant withAudio = tenant("greeting_text = 'unused', greeting_url = 'https://audio.example.test/greeting.mp3'");

        String callSid = newCallSid();
        List<Element> verbs = verbs(voicemail(withoutSettings, callSid));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Record", "Hangup");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("Sorry, nobody can take your call right now. Please leave"
                + " a message after the tone.");
        assertRecords(verbs.get(1), withoutSettings, callSid, withoutSettings.number());

        verbs = verbs(voicemail(withText, newCallSid()));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Record", "Hangup");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("You have reached Globex. Speak after the tone.");

        verbs = verbs(voicemail(withAudio, newCallSid()));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Play", "Record", "Hangup");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("https://audio.example.test/greeting.mp3");

        // Twilio only asked for a document: nothing is stored.
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void theRecordingCallbackIsStoredWithTheCallersNumbersFromItsUrl() {
        Tenant tenant = tenant(null);
        String callSid = newCallSid();
        Element record = verbs(voicemail(tenant, callSid)).get(1);
        String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");

        String answer = postTo(record.getAttribute("recordingStatusCallback"), recordingCallback(callSid, recordingSid))
                .then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .extract().asString();

        assertThat(answer).endsWith("<Response/>");
        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(tenant.id());
        assertThat(published.json()).contains("\"type\":\"recording\"");
        assertThat(published.event()).isInstanceOfSatisfying(RecordingStored.class, event -> {
            assertThat(event.eventId()).isEqualTo("recording:" + recordingSid);
            assertThat(event.tenantId()).isEqualTo(tenant.id());
            assertThat(event.callSid()).isEqualTo(callSid);
            assertThat(event.recordingSid()).isEqualTo(recordingSid);
            assertThat(event.recordingUrl()).isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/"
                    + recordingSid);
            assertThat(event.status()).isEqualTo("completed");
            assertThat(event.completed()).isTrue();
            assertThat(event.durationSeconds()).isEqualTo(7);
            assertThat(event.from()).isEqualTo(CALLER);
            assertThat(event.to()).isEqualTo(tenant.number());
            assertThat(event.receivedAt()).isNotNull();
        });

        // The <Record action>: goodbye, nothing stored.
        postTo(record.getAttribute("action"), form("CallSid", callSid, "RecordingSid", recordingSid,
                "RecordingUrl", "https://api.twilio.com/x", "RecordingDuration", "7", "Digits", "hangup")).then()
                .statusCode(200)
                .body(containsString("<Say>" + TwimlAnswers.GOODBYE + "</Say><Hangup/>"));
        assertThat(TwilioEventsTopic.about(callSid)).hasSize(1);
    }

    @Test
    void aMalformedRecordingCallbackIsRefusedAndNothingIsStored() {
        Tenant tenant = tenant(null);
        String callSid = newCallSid();
        String callbackUrl = verbs(voicemail(tenant, callSid)).get(1).getAttribute("recordingStatusCallback");

        Map<String, String> noSid = recordingCallback(callSid, "RE1");
        noSid.remove("RecordingSid");
        postTo(callbackUrl, noSid).then()
                .statusCode(400)
                .contentType(startsWith("text/plain"))
                .body(containsString("RecordingSid is missing"));

        Map<String, String> badDuration = recordingCallback(callSid, "RE2");
        badDuration.put("RecordingDuration", "seven");
        postTo(callbackUrl, badDuration).then().statusCode(400).body(containsString("RecordingDuration"));

        // A URL without the caller's numbers is not one call-ingest wrote.
        post(RECORDING + "?tenant=" + tenant.id() + "&call=" + callSid, recordingCallback(callSid, "RE3")).then()
                .statusCode(400)
                .body(containsString("no from= parameter"));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void theForwardDialsTheOverflowNumberShowingTheCallerAndItsEndIsStored() {
        Tenant forwarding = tenant("at_limit = 'forward', forward_to = '+15005550199'");
        String callSid = newCallSid();

        String twiml = post(FORWARD + "?tenant=" + forwarding.id() + "&call=" + callSid,
                incomingCallTo(callSid, forwarding.number())).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .extract().asString();

        List<Element> verbs = verbs(twiml);
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Dial");
        Element dial = verbs.get(0);
        assertThat(dial.getTextContent()).isEqualTo("+15005550199");
        assertThat(dial.getAttribute("callerId")).isEqualTo(CALLER);
        assertThat(dial.getAttribute("timeout")).isEqualTo("30");
        assertThat(dial.getAttribute("action")).isEqualTo(publicBaseUrl() + FORWARD_ENDED + "?tenant="
                + forwarding.id() + "&call=" + callSid + TWIML_OVERRIDES);
        TwilioEventsTopic.assertNothingAbout(callSid);

        String dialed = newCallSid();
        postTo(dial.getAttribute("action"), form("CallSid", callSid, "From", CALLER, "To", forwarding.number(),
                "DialCallSid", dialed, "DialCallStatus", "no-answer", "DialCallDuration", "0")).then()
                .statusCode(200)
                .body(containsString("<Response><Hangup/></Response>"));

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(forwarding.id());
        assertThat(published.json()).contains("\"type\":\"forward_ended\"");
        assertThat(published.event()).isEqualTo(new ForwardEnded("forward-ended:" + callSid, forwarding.id(), callSid,
                dialed, TwilioCallStatus.NO_ANSWER, published.event().receivedAt()));
    }

    @Test
    void aForwardToATenantWithoutAForwardNumberGetsTheVoicemail() {
        Tenant noOverflow = tenant(null);
        String callSid = newCallSid();

        List<Element> verbs = verbs(post(FORWARD + "?tenant=" + noOverflow.id() + "&call=" + callSid,
                incomingCallTo(callSid, noOverflow.number())).then().statusCode(200).extract().asString());

        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Record", "Hangup");
        assertRecords(verbs.get(1), noOverflow, callSid, noOverflow.number());
    }

    @Test
    void theNewWebhooksRefuseARequestTwilioDidNotSign() {
        String callSid = newCallSid();
        Map<String, String> form = recordingCallback(callSid, "RE9");
        form.put("DialCallStatus", "completed");
        String query = "?tenant=" + SwitchboardTestResource.TENANT + "&call=" + callSid + "&from=%2B15551230000&to=x";
        for (String path : List.of(VOICEMAIL, VOICEMAIL_DONE, RECORDING, FORWARD, FORWARD_ENDED)) {
            unsigned(form).header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl").post(path + query).then()
                    .statusCode(403)
                    .body(containsString("X-Twilio-Signature does not match"));
            unsigned(form).post(path + query).then().statusCode(403);
        }
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    private static String voicemail(Tenant tenant, String callSid) {
        return post(VOICEMAIL + "?tenant=" + tenant.id() + "&call=" + callSid, incomingCallTo(callSid,
                tenant.number())).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .extract().asString();
    }

    /** {@code <Record>} as issue 20 has it, and callback URLs that name the tenant, the call and the caller. */
    private static void assertRecords(Element record, Tenant tenant, String callSid, String calledNumber) {
        assertThat(record.getAttribute("playBeep")).isEqualTo("true");
        assertThat(record.getAttribute("maxLength")).isEqualTo("120");
        assertThat(record.getAttribute("timeout")).isEqualTo("10");
        assertThat(record.getAttribute("recordingStatusCallbackEvent")).isEqualTo("completed");
        String call = "?tenant=" + tenant.id() + "&call=" + callSid;
        assertThat(record.getAttribute("action")).isEqualTo(publicBaseUrl() + VOICEMAIL_DONE + call + TWIML_OVERRIDES);
        assertThat(record.getAttribute("recordingStatusCallback")).isEqualTo(publicBaseUrl() + RECORDING + call
                + "&from=" + CALLER.replace("+", "%2B") + "&to=" + calledNumber.replace("+", "%2B")
                + CALLBACK_OVERRIDES);
    }

    /** Twilio's recording status callback, as it posts one. */
    private static Map<String, String> recordingCallback(String callSid, String recordingSid) {
        return form("AccountSid", "AC1", "CallSid", callSid, "RecordingSid", recordingSid,
                "RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + recordingSid,
                "RecordingStatus", "completed", "RecordingDuration", "7", "RecordingChannels", "1",
                "RecordingStartTime", "Mon, 16 Aug 2010 03:45:01 +0000", "RecordingSource", "RecordVerb");
    }

    /** The verbs of a TwiML document, in order. */
    private static List<Element> verbs(String twiml) {
        try {
            Element response = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
            assertThat(response.getTagName()).isEqualTo("Response");
            List<Element> verbs = new ArrayList<>();
            for (Node child = response.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element) {
                    verbs.add(element);
                }
            }
            return verbs;
        } catch (Exception e) {
            throw new AssertionError("Not a TwiML document: " + twiml, e);
        }
    }
}
