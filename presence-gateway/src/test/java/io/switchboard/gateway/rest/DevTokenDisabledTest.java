package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.SwitchboardTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DevTokenDisabledTest {

    @Test
    void theDevTokenEndpointDoesNotExistByDefault() {
        given().queryParam("tenant", "acme").queryParam("agent", "doug")
                .get("/dev/token")
                .then().statusCode(404);
    }

    @Test
    void theConsolesPickerAndSimulatorDoNotExistByDefault() {
        given().queryParam("tenant", "acme").get("/dev/agents").then().statusCode(404);
        given().queryParam("tenant", "acme").get("/dev/simulator").then().statusCode(404);
        given().contentType("application/json").body("{\"from\":\"+15551230000\",\"to\":\"+15005550006\"}")
                .post("/dev/simulator/calls").then().statusCode(404);
    }
}
