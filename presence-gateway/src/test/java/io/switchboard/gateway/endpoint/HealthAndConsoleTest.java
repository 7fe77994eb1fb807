package io.switchboard.gateway.endpoint;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.gateway.support.Gateway;
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
        for (String module : new String[] {"console/console.js", "console/board.js", "console/ringer.js"}) {
            given().get("/" + module).then().statusCode(200).contentType(containsString("javascript"));
        }
        given().get("/console/console.css").then().statusCode(200).contentType(containsString("text/css"));
    }
}
