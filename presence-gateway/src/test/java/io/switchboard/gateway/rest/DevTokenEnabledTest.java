package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(DevTokenEnabledTest.LocalStack.class)
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DevTokenEnabledTest {

    /** As the local stack runs the gateway. */
    public static class LocalStack implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.dev.tokens-enabled", "true");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aDevTokenOpensTheAgentSocket() {
        Gateway.awaitReady();
        String token = given().queryParam("tenant", "acme").queryParam("agent", "doug")
                .get("/dev/token")
                .then().statusCode(200).contentType("application/json")
                .extract().path("token");

        try (AgentClient doug = AgentClient.withQueryToken(base, token)) {
            assertThat(doug.nextSnapshotSeq()).isEqualTo(CallStateDouble.seq("acme"));
        }
    }

    @Test
    void anUnknownAgentGets404WithTheReason() {
        given().queryParam("tenant", "acme").queryParam("agent", "ghost")
                .get("/dev/token")
                .then().statusCode(404).body("message", containsString("no active agent 'ghost'"));
    }

    @Test
    void missingParametersGet400() {
        given().queryParam("tenant", "acme")
                .get("/dev/token")
                .then().statusCode(400).body("message", containsString("tenant=acme&agent=doug"));
    }

    @Test
    void theTokenCarriesTheRolesTheTenantRecordsOrThoseAskedFor() throws Exception {
        Gateway.awaitReady();
        assertThat(groups(given().queryParam("tenant", "acme").queryParam("agent", "doug").get("/dev/token")
                .then().statusCode(200).extract().path("token"))).containsExactly("admin", "agent", "supervisor");
        assertThat(groups(given().queryParam("tenant", "acme").queryParam("agent", "rhonda").get("/dev/token")
                .then().statusCode(200).extract().path("token"))).containsExactly("agent");
        assertThat(groups(given().queryParam("tenant", "acme").queryParam("agent", "rhonda")
                .queryParam("groups", "agent,supervisor").get("/dev/token")
                .then().statusCode(200).extract().path("token"))).containsExactly("agent", "supervisor");
        given().queryParam("tenant", "acme").queryParam("agent", "rhonda").queryParam("groups", "agent,root")
                .get("/dev/token").then().statusCode(400).body("message", containsString("agent, supervisor, admin"));
    }

    /** The token's groups, sorted: the payload is read, not verified (the gateway verified what it signed). */
    private static List<String> groups(String token) throws Exception {
        var payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        List<String> groups = new java.util.ArrayList<>();
        payload.get("groups").forEach(group -> groups.add(group.asText()));
        groups.sort(null);
        return groups;
    }

    @Test
    void thePickerOffersTheTenantsActiveAgentsByName() {
        Gateway.awaitReady();
        List<Map<String, String>> agents = given().queryParam("tenant", "acme").get("/dev/agents")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(agents).contains(Map.of("id", "doug", "name", "Doug"), Map.of("id", "rhonda", "name", "Rhonda"));
        assertThat(given().queryParam("tenant", "nobody").get("/dev/agents").then().statusCode(200)
                .extract().jsonPath().getList("$")).isEmpty();
    }

    @Test
    void withoutASimulatorConfiguredThereIsNoSimulatePanel() {
        given().queryParam("tenant", "acme").get("/dev/simulator").then().statusCode(404);
        given().post("/dev/simulator/calls/CA123/hangup").then().statusCode(404);
    }
}
