package io.switchboard.state.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.ServedEndpoints;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.state.TwilioSimulatorResource;
import jakarta.inject.Inject;
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
        String api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Switchboard call-state")).extract().asString();
        assertThat(ServedEndpoints.documented(api)).isEqualTo(endpoints.served());
    }

    @Test
    void swaggerUiIsOffUnlessTheStackTurnsItOn() {
        given().get("/q/swagger-ui/").then().statusCode(404);
    }
}
