package io.switchboard.ingest.signature;

import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.authToken;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static io.switchboard.ingest.support.TwilioWebhooks.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.TwilioSignature;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behind a TLS-terminating proxy the operator trusts, Twilio's URL is the forwarded one. */
@QuarkusTest
@TestProfile(TrustedProxyTest.BehindTrustedProxy.class)
@WithTestResource(SwitchboardTestResource.class)
class TrustedProxyTest {

    public static class BehindTrustedProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.ingest.trust-forwarded-headers", "true");
        }
    }

    @BeforeEach
    void ready() {
        // This profile starts a fresh application, in CI right after OutageTest's outages: like Kubernetes, send
        // nothing before it reports ready, or the first webhook may meet a pool still reconnecting to PostgreSQL
        // (a 503, which Twilio would retry; CI saw one).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> RestAssured.get("/q/health/ready").then()
                .statusCode(200));
    }

    @Test
    void signatureForTheForwardedUrlIsAccepted() {
        String callSid = newCallSid();
        Map<String, String> form = incomingCall(callSid);

        unsigned(form)
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "public.example")
                .header("X-Twilio-Signature",
                        TwilioSignature.sign(authToken(), "https://public.example" + INCOMING, form))
                .post(INCOMING).then()
                .statusCode(200);

        assertThat(TwilioEventsTopic.single(callSid).key()).isEqualTo(TENANT);
    }

    @Test
    void withoutForwardedHeadersThePublicBaseUrlStillApplies() {
        post(INCOMING, incomingCall(newCallSid())).then().statusCode(200);
    }
}
