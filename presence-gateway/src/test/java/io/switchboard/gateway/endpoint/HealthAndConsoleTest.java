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
    void theRootPageSaysTheConsoleComesLater() {
        given().get("/").then().statusCode(200).body(containsString("console comes in a later release"));
    }
}
