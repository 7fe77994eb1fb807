package io.switchboard.ingest.rest;

import static io.switchboard.ingest.support.TwilioWebhooks.CALLER;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.NUMBER;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static io.switchboard.ingest.support.TwilioWebhooks.publicBaseUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.TwilioEvent.CallIncoming;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.ingest.support.TwilioEventsTopic.Published;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class IncomingCallTest {
    /** The wait URL's connection overrides, as they appear in TwiML's XML. */
    private static final String HOLD_OVERRIDES = VoiceWebhooks.TWIML_OVERRIDES.replace("&", "&amp;");

    @Inject
    MeterRegistry registry;

    @Test
    void signedIncomingCallIsQueuedAndPublishedOnceKeyedByTenant() {
        String callSid = newCallSid();
        Instant before = Instant.now();

        post(INCOMING, incomingCall(callSid)).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .body(containsString("<Response><Enqueue waitUrl=\"" + publicBaseUrl() + "/twilio/voice/hold#"
                        + HOLD_OVERRIDES + "\">"
                        + TENANT + "</Enqueue></Response>"));

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.key()).isEqualTo(TENANT);
        assertThat(published.json()).contains("\"type\":\"incoming\"");
        assertThat(published.event()).isInstanceOfSatisfying(CallIncoming.class, event -> {
            assertThat(event.eventId()).isEqualTo("incoming:" + callSid);
            assertThat(event.tenantId()).isEqualTo(TENANT);
            assertThat(event.callSid()).isEqualTo(callSid);
            assertThat(event.from()).isEqualTo(CALLER);
            assertThat(event.to()).isEqualTo(NUMBER);
            assertThat(event.receivedAt()).isBetween(before, Instant.now());
        });
    }

    @Test
    void callToANumberNobodyOwnsIsRejectedAndNotPublished() {
        String callSid = newCallSid();
        Map<String, String> form = incomingCall(callSid);
        form.put("To", "+15550009999");
        double unknownBefore = unknownNumbers();

        post(INCOMING, form).then()
                .statusCode(200)
                .contentType(startsWith("application/xml"))
                .body(containsString("<Response><Reject/></Response>"));

        assertThat(unknownNumbers()).isEqualTo(unknownBefore + 1);
        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** Dedupe is call-state's job (processed event ids); call-ingest keeps the id stable across deliveries. */
    @Test
    void theSameWebhookDeliveredTwiceIsPublishedTwiceWithTheSameEventId() {
        String callSid = newCallSid();

        post(INCOMING, incomingCall(callSid)).then().statusCode(200);
        post(INCOMING, incomingCall(callSid)).then().statusCode(200);

        List<Published> published = TwilioEventsTopic.about(callSid);
        assertThat(published).hasSize(2);
        assertThat(published).extracting(p -> p.event().eventId()).containsOnly("incoming:" + callSid);
    }

    @Test
    void webhookWithoutCallSidIsABadRequest() {
        Map<String, String> form = incomingCall("unused");
        form.remove("CallSid");

        post(INCOMING, form).then()
                .statusCode(400)
                .contentType(startsWith("text/plain"))
                .body(containsString("CallSid is missing"));
    }

    private double unknownNumbers() {
        return registry.counter(IngestMetrics.UNKNOWN_NUMBERS, "endpoint", "incoming").count();
    }
}
