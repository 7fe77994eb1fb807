package io.switchboard.gateway.endpoint;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HealthAndConsoleTest {

    @Test
    void readinessCoversKafkaAndPostgres() {
        Gateway.awaitReady();
        given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.name", hasItems("SmallRye Reactive Messaging - readiness check",
                        "Reactive PostgreSQL connections health check"));
    }

    @Test
    void theRootPageIsTheAgentConsoleWithItsModules() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("data-testid=\"connection\""), containsString("console/console.js"));
        for (String module : new String[] {"console/console.js", "console/board.js", "console/ringer.js",
                "console/admin.js"}) {
            given().get("/" + module).then().statusCode(200).contentType(containsString("javascript"));
        }
        given().get("/console/console.css").then().statusCode(200).contentType(containsString("text/css"));
        // Installed by the build from the locked npm dependency, not a file of the repository.
        given().get("/console/vendor/twilio.min.js").then().statusCode(200).contentType(containsString("javascript"))
                .body(containsString("Device"));
        // The page names its icon; browsers that ask for /favicon.ico anyway get one too, not a 404.
        given().get("/").then().body(containsString("href=\"favicon.svg\""));
        given().get("/favicon.svg").then().statusCode(200).contentType(containsString("image/svg+xml"));
        given().get("/favicon.ico").then().statusCode(200).contentType(containsString("image/"));
    }

    @Test
    void withoutTwilioVoiceConfiguredTheSoftphoneIsOffWithTheReason() {
        Gateway.awaitReady();
        // 200, not 404: no audio is how this gateway is set up, and the browser would log a 404 as an error.
        given().auth().oauth2(Tokens.agent("acme", "doug")).get("/agent/voice-token")
                .then().statusCode(200).contentType("application/json")
                .body("enabled", equalTo(false))
                .body("token", nullValue())
                .body("message", containsString("TWILIO_API_KEY_SID"));
    }
}
