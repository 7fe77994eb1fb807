package io.switchboard.ingest.rest;

import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.switchboard.stack.SwitchboardTestResource;
import org.junit.jupiter.api.Test;

/**
 * The alerts in deploy/monitoring select call-ingest's webhooks by the HTTP metrics' {@code uri} tag
 * ({@code uri=~"/twilio/voice/.*"}): each endpoint's path, never the raw URL with its query string.
 */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class HttpMetricsTest {

    @Test
    void webhooksAreCountedUnderTheirEndpointsPath() {
        post(INCOMING + "?tenant=acme", incomingCall(newCallSid())).then().statusCode(200);

        assertThat(RestAssured.get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{")))
                .anyMatch(line -> line.contains("uri=\"/twilio/voice/incoming\"") && line.contains("status=\"200\""))
                .noneMatch(line -> line.contains("tenant=acme"));
    }
}
