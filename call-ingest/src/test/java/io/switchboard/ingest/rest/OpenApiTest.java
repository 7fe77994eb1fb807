package io.switchboard.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.ServedEndpoints;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * /q/openapi describes every webhook call-ingest serves. The routes are plain Vert.x routes (TwilioGate), invisible to
 * smallrye-openapi's scan, so they are described by hand in META-INF/openapi.yaml: a route added without a description
 * there fails this test.
 */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class OpenApiTest {
    @Inject
    ServedEndpoints endpoints;

    @Test
    void everyServedEndpointIsDescribedAndNothingElse() throws Exception {
        Set<String> served = endpoints.served();
        assertThat(served).contains("POST /twilio/voice/incoming", "POST /twilio/voice/status",
                "POST /twilio/voice/conference", "POST /twilio/voice/dial-ended", "GET /twilio/voice/hold",
                "POST /twilio/voice/hold", "POST /twilio/voice/voicemail", "POST /twilio/voice/voicemail-done",
                "POST /twilio/voice/recording", "POST /twilio/voice/forward", "POST /twilio/voice/forward-ended");
        endpoints.assertDescribedIn(ServedEndpoints.openApi(), Map.of());
    }

    @Test
    void eachWebhookIsDescribedAsTwilioSendsItAndAsItIsAnswered() throws Exception {
        JsonNode api = new ObjectMapper().readTree(ServedEndpoints.openApi());
        for (String operation : ServedEndpoints.documented(ServedEndpoints.openApi())) {
            String[] methodAndPath = operation.split(" ", 2);
            JsonNode op = api.at("/paths/" + methodAndPath[1].replace("/", "~1") + "/"
                    + methodAndPath[0].toLowerCase());
            List<String> headers = new ArrayList<>();
            op.get("parameters").forEach(ref -> {
                JsonNode p = resolve(api, ref);
                if ("header".equals(p.get("in").asText()) && p.path("required").asBoolean()) {
                    headers.add(p.get("name").asText());
                }
            });
            assertThat(headers).as(operation).containsExactly("X-Twilio-Signature");
            if (!"GET".equals(methodAndPath[0])) {
                assertThat(resolve(api, op.get("requestBody")).get("content").has("application/x-www-form-urlencoded")).as(operation)
                        .isTrue();
            }
            JsonNode responses = op.get("responses");
            assertThat(resolve(api, responses.get("200")).get("content").has("application/xml")).as(operation).isTrue();
            assertThat(resolve(api, responses.get("403")).get("description").asText()).as(operation)
                    .contains("X-Twilio-Signature");
            assertThat(responses.has("400")).as(operation).isTrue();
        }
        JsonNode incoming = api.at("/paths/~1twilio~1voice~1incoming/post");
        JsonNode form = resolve(api, resolve(api, incoming.get("requestBody"))
                .at("/content/application~1x-www-form-urlencoded/schema"));
        assertThat(form.get("required").toString()).isEqualTo("[\"CallSid\"]");
        assertThat(form.get("properties").has("To")).isTrue();
        assertThat(incoming.get("responses").has("503")).isTrue();
        JsonNode recording = api.at("/paths/~1twilio~1voice~1recording/post");
        assertThat(resolve(api, recording.at("/requestBody/content/application~1x-www-form-urlencoded/schema"))
                .get("required").toString()).isEqualTo("[\"CallSid\",\"RecordingSid\",\"RecordingStatus\"]");
        assertThat(recording.get("responses").has("503")).as("the recording is stored before the answer").isTrue();
        assertThat(resolve(api, api.at("/paths/~1twilio~1voice~1status/post/responses/415")).get("content")
                .has("application/problem+json")).isTrue();
    }

    @Test
    void swaggerUiIsOffUnlessTheStackTurnsItOn() {
        given().get("/q/swagger-ui/").then().statusCode(404);
    }

    /** The node itself, or the one its {@code $ref} names within the document. */
    private static JsonNode resolve(JsonNode api, JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : api.at(ref.asText().substring(1));
    }
}
