package io.switchboard.ingest.signature;

import static io.switchboard.ingest.support.TwilioWebhooks.HOLD;
import static io.switchboard.ingest.support.TwilioWebhooks.authToken;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.STATUS;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.publicBaseUrl;
import static io.switchboard.ingest.support.TwilioWebhooks.signatureFor;
import static io.switchboard.ingest.support.TwilioWebhooks.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.TwilioSignature;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class SignatureCheckTest {
    @Inject
    MeterRegistry registry;

    @Test
    void webhookWithoutSignatureIsForbiddenCountedAndNotPublished() {
        String callSid = newCallSid();
        double forbiddenBefore = forbidden();

        unsigned(incomingCall(callSid)).post(INCOMING).then()
                .statusCode(403)
                .contentType(startsWith("text/plain"))
                .body(containsString("Missing X-Twilio-Signature"));

        assertThat(forbidden()).isEqualTo(forbiddenBefore + 1);
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void webhookSignedWithAnotherTokenIsForbiddenAndNotPublished() {
        String callSid = newCallSid();
        Map<String, String> form = incomingCall(callSid);
        String otherAccount = TwilioSignature.sign("another-accounts-token", publicUrl(INCOMING), form);

        unsigned(form).header("X-Twilio-Signature", otherAccount).post(INCOMING).then()
                .statusCode(403)
                .body(containsString("does not match " + publicUrl(INCOMING)))
                .body(not(containsString(otherAccount)));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void signatureForAnotherUrlIsForbiddenAndNotPublished() {
        String callSid = newCallSid();
        Map<String, String> form = incomingCall(callSid);

        unsigned(form).header("X-Twilio-Signature", signatureFor(STATUS, form)).post(INCOMING).then()
                .statusCode(403);
        unsigned(form).header("X-Twilio-Signature", signatureFor(INCOMING + "?tenant=acme", form)).post(INCOMING)
                .then().statusCode(403);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void signatureOfOtherParametersIsForbiddenAndNotPublished() {
        String callSid = newCallSid();
        Map<String, String> signedForm = incomingCall(callSid);
        Map<String, String> sentForm = incomingCall(callSid);
        sentForm.put("From", "+15557654321");

        unsigned(sentForm).header("X-Twilio-Signature", signatureFor(INCOMING, signedForm)).post(INCOMING).then()
                .statusCode(403);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** The query string is part of what Twilio signs: a tenant added by someone else is refused. */
    @Test
    void addedQueryParameterIsForbidden() {
        Map<String, String> form = incomingCall(newCallSid());

        unsigned(form).header("X-Twilio-Signature", signatureFor(INCOMING, form)).post(INCOMING + "?tenant=other")
                .then().statusCode(403);
    }

    @Test
    void holdMusicNeedsASignatureToo() {
        RestAssured.get(HOLD).then().statusCode(403);
        RestAssured.given().header("X-Twilio-Signature", signatureFor(HOLD, Map.of())).get(HOLD).then()
                .statusCode(200);
    }

    /** Without trust-forwarded-headers a client cannot pick the URL its signature is checked against. */
    @Test
    void forwardedHeadersAreIgnoredUnlessTrusted() {
        String callSid = newCallSid();
        Map<String, String> form = incomingCall(callSid);
        String forForwardedUrl = TwilioSignature.sign(authToken(), "https://public.example" + INCOMING, form);

        unsigned(form)
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "public.example")
                .header("X-Twilio-Signature", forForwardedUrl)
                .post(INCOMING).then()
                .statusCode(403);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    private static String publicUrl(String path) {
        return publicBaseUrl() + path;
    }

    private double forbidden() {
        return registry.counter(IngestMetrics.WEBHOOKS, "endpoint", "incoming", "outcome", "forbidden").count();
    }
}
