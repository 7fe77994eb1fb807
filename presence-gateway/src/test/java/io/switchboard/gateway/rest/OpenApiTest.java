package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.gateway.endpoint.AgentSocket;
import io.switchboard.stack.ServedEndpoints;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * /q/openapi lists every HTTP endpoint the gateway serves besides Quarkus' own /q/... and the console's files (the
 * dev endpoints among them, which answer 404 unless the local stack turns them on): an endpoint added without a
 * description fails this test.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenApiTest {
    @Inject
    ServedEndpoints endpoints;

    @Test
    void everyServedEndpointIsDescribedAndNothingElse() {
        String api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Switchboard presence-gateway")).extract().asString();
        // websockets-next routes the agent socket for any method and refuses all but the upgrade, which is a GET
        // (RFC 6455): that is what the document describes.
        Set<String> served = new TreeSet<>(endpoints.served());
        assertThat(served.remove("ANY " + AgentSocket.PATH)).as("the agent socket is served").isTrue();
        served.add("GET " + AgentSocket.PATH);
        assertThat(ServedEndpoints.documented(api)).isEqualTo(served);
    }
}
