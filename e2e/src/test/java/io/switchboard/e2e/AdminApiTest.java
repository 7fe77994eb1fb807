package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.stack.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A tenant run without SQL, across the packaged services, real Kafka and PostgreSQL and the Twilio simulator: an admin
 * adds an agent whom every screen shows at once and who then takes a call, deactivates them (their screen closes and
 * their token stops working), and a supervisor sets a colleague away and signs them out. Only a tenant's admins may
 * administer it, an admin of another tenant finds nothing of it (404, not 403), and input the API cannot use gets a
 * 400 with its reason and changes nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stack stack;
    static String gateway;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static String hanksToken;

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = EndToEnd.start("admin-api", o -> o);
        stack.postgres().execute("""
                INSERT INTO tenants (id, name) VALUES ('globex', 'Globex') ON CONFLICT DO NOTHING;
                INSERT INTO voip_users (tenant_id, id, name, roles) VALUES ('globex', 'hank', 'Hank', '{agent,admin}')
                    ON CONFLICT DO NOTHING;""");
        gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda");
        doug = screens.get(0);
        rhonda = screens.get(1);
        hanksToken = AgentScreen.devToken(gateway, "globex", "hank", null);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, stack);
    }

    @Test
    @Order(1)
    void anAgentTheAdminAddsIsOnEveryScreenAtOnceAndTakesACall() throws Exception {
        Reply created = call("POST", "/api/admin/agents", doug.token(),
                "{\"id\":\"mia\",\"name\":\"Mia\",\"roles\":[\"agent\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("active").asBoolean()).isTrue();
        await().atMost(WAIT).until(() -> doug.agent("mia") != null && rhonda.agent("mia") != null);
        assertThat(rhonda.agent("mia").get("presence").asText()).isEqualTo("offline");

        AgentScreen mia = AgentScreen.open(gateway, "acme", "mia");
        try {
            await().atMost(WAIT).until(mia::hasSnapshot);
            await().atMost(WAIT).until(() -> "online".equals(doug.agentField("mia", "presence")));
            // Doug and Rhonda step away: the call rings for Mia alone, and she takes it.
            rhonda.awaitReply(rhonda.setStatus("away"));
            doug.awaitReply(doug.setStatus("away"));
            String call = stack.simulator().placeCall("+15550100001", NUMBER);
            await().atMost(WAIT).until(() -> mia.rings(call));
            assertThat(mia.awaitReply(mia.send("claim", call)).get("type").asText()).isEqualTo("ack");
            await().atMost(WAIT).until(() -> doug.showsOnCall(call, "mia", "+15550100001"));
            stack.simulator().hangup(call);
            await().atMost(WAIT).until(() -> doug.call(call) == null && mia.call(call) == null);
        } finally {
            mia.close();
        }
        doug.awaitReply(doug.setStatus("available"));
        rhonda.awaitReply(rhonda.setStatus("available"));
    }

    @Test
    @Order(2)
    void onlyTheTenantsAdminsAdministerItAndAnotherTenantsAdminFindsNothingOfIt() throws Exception {
        assertThat(call("GET", "/api/admin/agents", rhonda.token(), null).status()).isEqualTo(403);
        // Rhonda's token claims the admin group, but the tenant does not record her as an admin.
        String claimed = AgentScreen.devToken(gateway, "acme", "rhonda", "agent,admin");
        assertThat(call("GET", "/api/admin/agents", claimed, null).status()).isEqualTo(403);
        assertThat(call("GET", "/api/admin/agents", null, null).status()).isEqualTo(401);

        Reply globex = call("GET", "/api/admin/agents", hanksToken, null);
        assertThat(globex.status()).isEqualTo(200);
        assertThat(globex.json().findValuesAsText("id")).containsExactly("hank");
        assertThat(call("PATCH", "/api/admin/agents/rhonda", hanksToken, "{\"active\":false}").status()).isEqualTo(404);
        assertThat(call("DELETE", "/api/admin/numbers/" + NUMBER, hanksToken, null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/admin/numbers", hanksToken, null).json().get("numbers")).isEmpty();
        Reply taken = call("POST", "/api/admin/numbers", hanksToken, "{\"phoneNumber\":\"" + NUMBER + "\"}");
        assertThat(taken.status()).isEqualTo(409);

        JsonNode acmeBefore = call("GET", "/api/admin/settings", doug.token(), null).json();
        JsonNode globexSettings = call("GET", "/api/admin/settings", hanksToken, null).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) globexSettings).put("wrapUpSeconds", 5);
        assertThat(call("PUT", "/api/admin/settings", hanksToken, globexSettings.toString()).json()
                .get("wrapUpSeconds").asInt()).isEqualTo(5);
        assertThat(call("GET", "/api/admin/settings", doug.token(), null).json()).isEqualTo(acmeBefore);
        assertThat(call("GET", "/api/admin/audit", hanksToken, null).json().get("entries").findValuesAsText("subject"))
                .doesNotContain("mia");
    }

    @Test
    @Order(3)
    void inputTheApiCannotUseIsRefusedWithItsReasonAndChangesNothing() throws Exception {
        JsonNode agentsBefore = call("GET", "/api/admin/agents", doug.token(), null).json();
        JsonNode settingsBefore = call("GET", "/api/admin/settings", doug.token(), null).json();
        int auditBefore = call("GET", "/api/admin/audit?limit=200", doug.token(), null).json().get("entries").size();

        Reply badNumber = call("POST", "/api/admin/numbers", doug.token(), "{\"phoneNumber\":\"5005550007\"}");
        assertThat(badNumber.status()).isEqualTo(400);
        assertThat(badNumber.json().get("message").asText()).contains("E.164");
        Reply noAgentRole = call("POST", "/api/admin/agents", doug.token(),
                "{\"id\":\"zed\",\"name\":\"Zed\",\"roles\":[\"admin\"]}");
        assertThat(noAgentRole.status()).isEqualTo(400);
        assertThat(noAgentRole.json().get("message").asText()).contains("roles must include 'agent'");
        assertThat(call("POST", "/api/admin/agents", doug.token(),
                "{\"id\":\"rhonda\",\"name\":\"Another Rhonda\",\"roles\":[\"agent\"]}").status()).isEqualTo(409);
        assertThat(call("PATCH", "/api/admin/agents/nobody", doug.token(), "{\"name\":\"N\"}").status()).isEqualTo(404);
        Reply lastAdmin = call("PATCH", "/api/admin/agents/doug", doug.token(), "{\"roles\":[\"agent\"]}");
        assertThat(lastAdmin.status()).isEqualTo(409);
        assertThat(lastAdmin.json().get("message").asText()).contains("only active admin");

        var slots = settingsBefore.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) slots).put("parkSlotFirst", 730).put("parkSlotLast", 720);
        Reply badSlots = call("PUT", "/api/admin/settings", doug.token(), slots.toString());
        assertThat(badSlots.status()).isEqualTo(400);
        assertThat(badSlots.json().get("message").asText()).contains("parking slots");
        var zone = settingsBefore.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) zone.get("queue")).put("timeZone", "Mars/Olympus");
        assertThat(call("PUT", "/api/admin/settings", doug.token(), zone.toString()).json().get("message").asText())
                .contains("'Mars/Olympus' is not a time zone");
        assertThat(call("POST", "/api/admin/agents", doug.token(), "{not json").status()).isEqualTo(400);

        assertThat(call("GET", "/api/admin/agents", doug.token(), null).json()).isEqualTo(agentsBefore);
        assertThat(call("GET", "/api/admin/settings", doug.token(), null).json()).isEqualTo(settingsBefore);
        assertThat(call("GET", "/api/admin/audit?limit=200", doug.token(), null).json().get("entries").size())
                .isEqualTo(auditBefore);
    }

    @Test
    @Order(4)
    void aDeactivatedAgentLeavesEveryScreenTheirSocketClosesAndTheirTokenStopsWorking() throws Exception {
        String miasToken = AgentScreen.devToken(gateway, "acme", "mia", null);
        AgentScreen mia = AgentScreen.withToken(gateway, "mia", miasToken);
        await().atMost(WAIT).until(mia::hasSnapshot);

        Reply deactivated = call("PATCH", "/api/admin/agents/mia", doug.token(), "{\"active\":false}");
        assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(200);
        assertThat(deactivated.json().get("active").asBoolean()).isFalse();
        await().atMost(WAIT).until(() -> mia.closedWith() != null);
        assertThat(mia.closedWith()).isEqualTo("4403 The agent was deactivated by the tenant.");
        await().atMost(WAIT).until(() -> doug.agent("mia") == null && rhonda.agent("mia") == null);

        assertThat(call("GET", "/api/calls", miasToken, null).status()).isEqualTo(403);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/dev/token?tenant=acme&agent=mia")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        JsonNode audit = call("GET", "/api/admin/audit", doug.token(), null).json().get("entries");
        assertThat(audit.get(0).get("action").asText()).isEqualTo("update_agent");
        assertThat(audit.get(0).get("actor").asText()).isEqualTo("doug");
        assertThat(audit.get(0).at("/before/active").asBoolean()).isTrue();
        assertThat(audit.get(0).at("/after/active").asBoolean()).isFalse();
        assertThat(audit.findValuesAsText("action")).contains("create_agent");
    }

    @Test
    @Order(5)
    void aSupervisorSetsAColleagueAwayAndSignsThemOutAndAnAgentMayDoNeither() throws Exception {
        JsonNode refused = rhonda.awaitReply(rhonda.aboutAgent("sign_out", "doug", null));
        assertThat(refused.get("code").asText()).isEqualTo("forbidden");

        assertThat(doug.awaitReply(doug.aboutAgent("agent_status", "rhonda", "away")).get("type").asText())
                .isEqualTo("ack");
        await().atMost(WAIT).until(() -> "away".equals(rhonda.agentField("rhonda", "status")));

        assertThat(doug.awaitReply(doug.aboutAgent("sign_out", "rhonda", null)).get("type").asText()).isEqualTo("ack");
        await().atMost(WAIT).until(() -> rhonda.closedWith() != null);
        assertThat(rhonda.closedWith()).startsWith("4409 ");
    }

    record Reply(int status, String body) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(body);
        }
    }

    static Reply call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
