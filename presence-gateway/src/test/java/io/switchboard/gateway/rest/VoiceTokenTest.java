package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.gateway.support.TwilioVoice;
import io.switchboard.stack.SwitchboardTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The softphone's token endpoint on a gateway with Twilio Voice configured. */
@QuarkusTest
@TestProfile(VoiceTokenTest.WithTwilioVoice.class)
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class VoiceTokenTest {

    public static class WithTwilioVoice implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.voice.account-sid", TwilioVoice.ACCOUNT,
                    "switchboard.voice.api-key-sid", TwilioVoice.KEY,
                    "switchboard.voice.api-key-secret", TwilioVoice.SECRET,
                    "switchboard.voice.token-lifetime", "15m");
        }
    }

    @Test
    void anAgentGetsATokenForTheirOwnIdentity() throws Exception {
        Gateway.awaitReady();
        String body = given().auth().oauth2(Tokens.agent("acme", "rhonda"))
                .get("/agent/voice-token")
                .then().statusCode(200).contentType("application/json")
                .extract().asString();
        JsonNode reply = new ObjectMapper().readTree(body);
        assertThat(reply.get("enabled").asBoolean()).isTrue();
        assertThat(reply.get("message").isNull()).isTrue();
        assertThat(reply.get("identity").asText()).isEqualTo("acme__rhonda");
        assertThat(reply.get("ttlSeconds").asLong()).isEqualTo(900);
        JsonNode claims = TwilioVoice.verifiedClaims(reply.get("token").asText());
        assertThat(claims.at("/grants/identity").asText()).isEqualTo("acme__rhonda");
        assertThat(claims.at("/grants/voice/incoming/allow").asBoolean()).isTrue();
    }

    @Test
    void withoutAnAgentTokenThereIsNone() {
        given().get("/agent/voice-token").then().statusCode(401);
        given().auth().oauth2(Tokens.expired("acme", "doug")).get("/agent/voice-token").then().statusCode(401);
        given().auth().oauth2(Tokens.withIssuer("someone-else", "acme", "doug")).get("/agent/voice-token")
                .then().statusCode(401);
        given().auth().oauth2(Tokens.withAudience("billing-portal", "acme", "doug")).get("/agent/voice-token")
                .then().statusCode(401);
        given().auth().oauth2(Tokens.withoutAudience("acme", "doug")).get("/agent/voice-token")
                .then().statusCode(401);
        given().auth().oauth2(Tokens.withoutAgentGroup("acme", "doug")).get("/agent/voice-token")
                .then().statusCode(403);
    }

    @Test
    void aDeactivatedAgentGetsNone() {
        Gateway.awaitReady();
        Gateway.seedRetiredAgent();
        given().auth().oauth2(Tokens.agent("acme", "retired")).get("/agent/voice-token")
                .then().statusCode(403).body("message", containsString("deactivated"));
    }
}
