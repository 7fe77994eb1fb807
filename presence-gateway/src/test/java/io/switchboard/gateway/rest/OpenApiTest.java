package io.switchboard.gateway.rest;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.gateway.endpoint.AgentSocket;
import io.switchboard.stack.ServedEndpoints;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.util.Map;
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
        // websockets-next routes the agent socket for any method and refuses all but the upgrade, which is a GET
        // (RFC 6455): that is what the document describes.
        endpoints.assertDescribedIn(ServedEndpoints.openApi("Switchboard presence-gateway"),
                Map.of("ANY " + AgentSocket.PATH, "GET " + AgentSocket.PATH));
    }
}
