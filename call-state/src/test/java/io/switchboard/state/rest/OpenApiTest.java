package io.switchboard.state.rest;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.ServedEndpoints;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.state.TwilioSimulatorResource;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /q/openapi lists every HTTP endpoint call-state serves besides Quarkus' own /q/...: none today, its input comes from
 * Kafka. An endpoint added later must appear there (a Quarkus REST resource does by itself; a Vert.x route needs a
 * description), or this test fails.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class OpenApiTest {
    @Inject
    ServedEndpoints endpoints;

    @Test
    void everyServedEndpointIsDescribedAndNothingElse() {
        endpoints.assertDescribedIn(ServedEndpoints.openApi("Switchboard call-state"), Map.of());
    }

    @Test
    void swaggerUiIsOffUnlessTheStackTurnsItOn() {
        given().get("/q/swagger-ui/").then().statusCode(404);
    }
}
