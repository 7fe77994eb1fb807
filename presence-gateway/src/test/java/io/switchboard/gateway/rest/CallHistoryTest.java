package io.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The call history: a tenant's calls that are over, as call-state left them in call_history and call_parks. */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CallHistoryTest {
    static final String TENANT = "historia";
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    static final String CUSTOMER = "+14155550123";

    static final String VOICEMAIL = "RE0000000000000000000000000000a007";

    /**
     * Ten calls of the tenant, started a minute apart (two at the same moment), and one of another tenant:
     * answered by doug and parked once on the way, abandoned, placed by rhonda, answered by rhonda, two abandoned,
     * then one that went to voicemail (and left one), one forwarded, one after hours, one doug transferred.
     */
    private static boolean seeded;

    @BeforeEach
    void seed() {
        if (seeded) {
            return;
        }
        seeded = true;
        Gateway.awaitReady();
        Gateway.seedTenant(TENANT, "doug", "rhonda");
        Gateway.seedTenant("otra", "olga");
        CallStateDouble.sql(ended("CA01", TENANT, CUSTOMER, "+15005550006", "doug", 0, 5, 65, "completed", "answered")
                + ended("CA02", TENANT, "+14155550999", "+15005550006", null, 60, null, 90, "caller_hangup",
                        "abandoned")
                + ended("OB03", TENANT, "+15005550006", CUSTOMER, "rhonda", 120, 130, 150, "completed", "outbound")
                + ended("CA04", TENANT, "+14155550777", "+15005550006", "rhonda", 180, 183, 200, "completed",
                        "answered")
                + ended("CA05", TENANT, "+14155550777", "+15005550006", null, 180, null, 185, "caller_hangup",
                        "abandoned")
                + ended("CA06", TENANT, CUSTOMER, "+15005550006", null, 240, null, 250, "caller_hangup", "abandoned")
                + ended("CA07", TENANT, "+14155550888", "+15005550006", null, 300, null, 420, "completed",
                        "voicemail")
                + ended("CA08", TENANT, "+14155550888", "+15005550006", null, 360, null, 500, "completed",
                        "forwarded")
                + ended("CA09", TENANT, "+14155550888", "+15005550006", null, 420, null, 460, "completed",
                        "missed_after_hours")
                + ended("CA10", TENANT, "+14155550888", "+15005550006", "doug", 480, 485, 600, "completed",
                        "transferred")
                + ended("CA99", "otra", CUSTOMER, "+15005550007", "olga", 300, 301, 400, "completed", "answered")
                + voicemail(VOICEMAIL, TENANT, "CA07", 400)
                // Another tenant's voicemail naming this tenant's call: never named in this tenant's history.
                + voicemail("RE0000000000000000000000000000b007", "otra", "CA07", 390)
                + "INSERT INTO call_parks (call_sid, tenant_id, slot, parked_by, parked_at, left_at, outcome,"
                + " retrieved_by) VALUES ('CA01', '" + TENANT + "', 701, 'rhonda', '" + T0.plusSeconds(20) + "', '"
                + T0.plusSeconds(40) + "', 'retrieved', 'doug');"
                + "INSERT INTO call_steps (tenant_id, call_sid, step, agent_id, detail, at, offered) VALUES"
                + " ('" + TENANT + "', 'CA01', 'rang', null, null, '" + T0 + "', '{doug,rhonda}'),"
                + " ('" + TENANT + "', 'CA01', 'claimed', 'rhonda', null, '" + T0.plusSeconds(3) + "', null),"
                + " ('" + TENANT + "', 'CA01', 'parked', 'rhonda', 'slot 701', '" + T0.plusSeconds(20) + "', null),"
                + " ('otra', 'CA01', 'rang', null, null, '" + T0 + "', null);");
    }

    @Test
    void newestFirstAPageAtATimeWithNoCallTwiceOrMissing() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String after = cursor;
            JsonNode page = search(r -> after == null ? r.queryParam("limit", 2)
                    : r.queryParam("limit", 2).queryParam("cursor", after));
            page.get("calls").forEach(call -> seen.add(call.get("callSid").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly("CA10", "CA09", "CA08", "CA07", "CA06", "CA05", "CA04", "OB03", "CA02",
                "CA01");
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void eachCallSaysHowItWentWithItsStaysInTheParkingLot() throws Exception {
        JsonNode first = byId(search(r -> r), "CA01");
        assertThat(first.get("direction").asText()).isEqualTo("inbound");
        assertThat(first.get("outcome").asText()).isEqualTo("answered");
        assertThat(first.get("agentId").asText()).isEqualTo("doug");
        assertThat(first.get("talkSeconds").asLong()).isEqualTo(60);
        assertThat(first.get("endReason").asText()).isEqualTo("completed");
        assertThat(Instant.parse(first.get("startedAt").asText())).isEqualTo(T0);
        JsonNode stay = first.get("parks").get(0);
        assertThat(stay.get("slot").asInt()).isEqualTo(701);
        assertThat(stay.get("parkedBy").asText()).isEqualTo("rhonda");
        assertThat(stay.get("retrievedBy").asText()).isEqualTo("doug");
        // Its steps in the order they were stored; another tenant's rows naming the same call are not its own.
        assertThat(first.get("steps")).extracting(st -> st.get("step").asText() + ":" + st.get("agentId").asText()
                + ":" + st.get("detail").asText()).containsExactly("rang:null:null", "claimed:rhonda:null",
                "parked:rhonda:slot 701");
        // Whom it rang for: the agents available as it began to ring; null on steps that ring nobody.
        assertThat(first.at("/steps/0/offered")).extracting(JsonNode::asText).containsExactly("doug", "rhonda");
        assertThat(first.at("/steps/1/offered").isNull()).isTrue();

        JsonNode abandoned = byId(search(r -> r), "CA02");
        assertThat(abandoned.get("outcome").asText()).isEqualTo("abandoned");
        assertThat(abandoned.get("talkSeconds").isNull()).isTrue();
        assertThat(abandoned.get("parks")).isEmpty();
        assertThat(abandoned.get("steps")).isEmpty();
        JsonNode placed = byId(search(r -> r), "OB03");
        assertThat(placed.get("direction").asText()).isEqualTo("outbound");
        assertThat(placed.get("outcome").asText()).isEqualTo("outbound");
        assertThat(placed.get("voicemailId").isNull()).isTrue();
    }

    @Test
    void aCallThatReachedVoicemailNamesTheVoicemailLeftOnIt() throws Exception {
        JsonNode reached = byId(search(r -> r), "CA07");
        assertThat(reached.get("outcome").asText()).isEqualTo("voicemail");
        assertThat(reached.get("voicemailId").asText()).isEqualTo(VOICEMAIL);
        assertThat(reached.get("talkSeconds").isNull()).isTrue();
        assertThat(byId(search(r -> r), "CA08").get("voicemailId").isNull()).isTrue();
        // Recorded before this tenant's, so it would be named first were the tenant not part of the match.
        assertThat(search(r -> r).toString()).doesNotContain("RE0000000000000000000000000000b007");
    }

    @Test
    void searchesNarrowByNumberEitherSideAgentOutcomeAndTime() throws Exception {
        assertThat(ids(search(r -> r.queryParam("number", CUSTOMER)))).containsExactly("CA06", "OB03", "CA01");
        assertThat(ids(search(r -> r.queryParam("agent", "rhonda")))).containsExactly("CA04", "OB03");
        assertThat(ids(search(r -> r.queryParam("outcome", "abandoned")))).containsExactly("CA06", "CA05", "CA02");
        assertThat(ids(search(r -> r.queryParam("outcome", "answered")))).containsExactly("CA04", "CA01");
        assertThat(ids(search(r -> r.queryParam("outcome", "outbound")))).containsExactly("OB03");
        assertThat(ids(search(r -> r.queryParam("outcome", "voicemail")))).containsExactly("CA07");
        assertThat(ids(search(r -> r.queryParam("outcome", "forwarded")))).containsExactly("CA08");
        assertThat(ids(search(r -> r.queryParam("outcome", "missed_after_hours")))).containsExactly("CA09");
        assertThat(ids(search(r -> r.queryParam("outcome", "transferred")))).containsExactly("CA10");
        assertThat(ids(search(r -> r.queryParam("agent", "doug").queryParam("outcome", "transferred"))))
                .containsExactly("CA10");
        assertThat(ids(search(r -> r.queryParam("since", T0.plusSeconds(60).toString())
                .queryParam("until", T0.plusSeconds(180).toString())))).containsExactly("OB03", "CA02");
        assertThat(ids(search(r -> r.queryParam("number", CUSTOMER).queryParam("outcome", "abandoned"))))
                .containsExactly("CA06");
    }

    @Test
    void aTenantSeesOnlyItsOwnCalls() throws Exception {
        assertThat(ids(search(r -> r))).doesNotContain("CA99");
        JsonNode theirs = read(given().auth().oauth2(Tokens.agent("otra", "olga")).get("/api/calls")
                .then().statusCode(200).extract().asString());
        assertThat(ids(theirs)).containsExactly("CA99");
    }

    @Test
    void aSearchItCannotReadIsRefusedWithWhatToSend() {
        refused(r -> r.queryParam("limit", 0), "limit must be a whole number from 1 to 200");
        refused(r -> r.queryParam("limit", "many"), "limit must be");
        refused(r -> r.queryParam("since", "yesterday"), "since must be an ISO-8601 instant");
        refused(r -> r.queryParam("outcome", "lost"), "outcome must be one of answered, abandoned, voicemail,"
                + " forwarded, missed_after_hours, transferred, outbound");
        refused(r -> r.queryParam("cursor", "not-a-cursor"), "is not one this endpoint gave");
    }

    @Test
    void withoutAnActiveAgentsTokenThereIsNoHistory() {
        given().get("/api/calls").then().statusCode(401);
        given().auth().oauth2(Tokens.expired(TENANT, "doug")).get("/api/calls").then().statusCode(401);
        given().auth().oauth2(Tokens.withoutAgentGroup(TENANT, "doug")).get("/api/calls").then().statusCode(403);
        Gateway.seedRetiredAgent();
        given().auth().oauth2(Tokens.agent("acme", "retired")).get("/api/calls")
                .then().statusCode(403).body("message", containsString("deactivated"));
    }

    @Test
    void theHistoryIsDescribedInTheGatewaysOpenApi() throws Exception {
        JsonNode api = read(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
        JsonNode search = api.at("/paths/~1api~1calls/get");
        List<String> parameters = new ArrayList<>();
        search.get("parameters").forEach(p -> parameters.add(p.get("name").asText()));
        assertThat(parameters).containsExactlyInAnyOrder("limit", "cursor", "since", "until", "number", "agent",
                "outcome");
        assertThat(search.get("responses").has("400")).isTrue();
        assertThat(api.at("/paths/~1agent~1voice-token/get").isMissingNode()).isFalse();
        JsonNode audio = api.at("/paths/~1api~1voicemails~1{voicemailId}~1audio/get");
        assertThat(audio.at("/responses/200/content").has("audio/wav")).as("audio: %s", audio).isTrue();
        assertThat(audio.get("responses").has("404")).isTrue();
        assertThat(audio.get("responses").has("502")).isTrue();
        assertThat(audio.get("responses").has("503")).isTrue();
        assertThat(api.at("/components/schemas/PastCall/properties").has("voicemailId")).isTrue();
    }

    /** Without Twilio credentials (the tests' default), playback says what to configure. */
    @Test
    void aGatewayWithoutTwilioCredentialsSaysPlaybackIsNotConfigured() {
        CallStateDouble.sql(voicemail("RE0000000000000000000000000000c001", TENANT, "CA07", 410));
        given().auth().oauth2(Tokens.agent(TENANT, "doug")).get("/api/voicemails/RE0000000000000000000000000000c001/audio")
                .then().statusCode(503).body("message", containsString("TWILIO_AUTH_TOKEN"));
        given().auth().oauth2(Tokens.agent(TENANT, "doug")).get("/api/voicemails/RE0000000000000000000000000000c002/audio")
                .then().statusCode(404);
    }

    private static String ended(String sid, String tenant, String from, String to, String agent, int started,
            Integer answered, int ended, String reason, String outcome) {
        return "INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, agent_id, started_at,"
                + " answered_at, ended_at, end_reason, outcome) VALUES ('" + sid + "', '" + tenant + "', '" + from
                + "', '" + to + "', " + (agent == null ? "NULL" : "'" + agent + "'") + ", '" + T0.plusSeconds(started)
                + "', " + (answered == null ? "NULL" : "'" + T0.plusSeconds(answered) + "'") + ", '"
                + T0.plusSeconds(ended) + "', '" + reason + "', '" + outcome + "') ON CONFLICT DO NOTHING;";
    }

    private static String voicemail(String id, String tenant, String callSid, int recorded) {
        return "INSERT INTO voicemails (id, tenant_id, call_sid, from_number, to_number, recorded_at,"
                + " duration_seconds, recording_url) VALUES ('" + id + "', '" + tenant + "', '" + callSid
                + "', '+14155550888', '+15005550006', '" + T0.plusSeconds(recorded) + "', 9,"
                + " 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/" + id + "') ON CONFLICT DO NOTHING;";
    }

    private static JsonNode search(UnaryOperator<RequestSpecification> query) throws Exception {
        return read(query.apply(given().auth().oauth2(Tokens.agent(TENANT, "doug"))).get("/api/calls")
                .then().statusCode(200).contentType("application/json").extract().asString());
    }

    private static void refused(UnaryOperator<RequestSpecification> query, String why) {
        query.apply(given().auth().oauth2(Tokens.agent(TENANT, "doug"))).get("/api/calls")
                .then().statusCode(400).body("message", containsString(why));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("calls").forEach(call -> ids.add(call.get("callSid").asText()));
        return ids;
    }

    private static JsonNode byId(JsonNode page, String callSid) {
        for (JsonNode call : page.get("calls")) {
            if (call.get("callSid").asText().equals(callSid)) {
                return call;
            }
        }
        throw new AssertionError("No call " + callSid + " in " + page);
    }

    private static JsonNode read(String body) throws Exception {
        return new ObjectMapper().readTree(body);
    }
}
