package io.switchboard.ingest.tracing;

import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.contract.Topics;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.ingest.support.TwilioEventsTopic.Published;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.TestSpans;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A call's trace starts at Twilio's webhook and travels on with the event it became, in the Kafka record. */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class WebhookTraceTest {
    @Inject
    TestSpans spans;

    @Test
    void theWebhookAndItsKafkaRecordAreOneTraceThatTheRecordCarriesOn() {
        String callSid = newCallSid();

        post(INCOMING, incomingCall(callSid)).then().statusCode(200);

        Published published = TwilioEventsTopic.single(callSid);
        assertThat(published.traceparent()).as("the record's W3C trace context")
                .matches("00-\\p{XDigit}{32}-\\p{XDigit}{16}-01");
        String traceId = published.traceparent().split("-")[1];
        String parentSpanId = published.traceparent().split("-")[2];
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> trace = spans.finished().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            SpanData webhook = only(trace, SpanKind.SERVER);
            SpanData publish = only(trace, SpanKind.PRODUCER);
            assertThat(webhook.getName()).isEqualTo("POST /twilio/voice/incoming");
            assertThat(webhook.getAttributes().get(AttributeKey.stringKey(TraceAttributes.CALL_SID)))
                    .as("a call's trace is found by its CallSid").isEqualTo(callSid);
            assertThat(publish.getName()).contains(Topics.TWILIO_EVENTS);
            assertThat(publish.getParentSpanId()).as("the publish happens within the webhook")
                    .isEqualTo(webhook.getSpanId());
            assertThat(parentSpanId).as("the consumer's parent is the publish").isEqualTo(publish.getSpanId());
        });
    }

    private static SpanData only(List<SpanData> trace, SpanKind kind) {
        List<SpanData> ofKind = trace.stream().filter(s -> s.getKind() == kind).toList();
        assertThat(ofKind).as("%s spans in %s", kind, trace).hasSize(1);
        return ofKind.get(0);
    }
}
