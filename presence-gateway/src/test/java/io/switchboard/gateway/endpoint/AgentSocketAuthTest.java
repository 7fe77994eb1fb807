package io.switchboard.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AgentSocketAuthTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Gateway.awaitReady();
        Gateway.seedRetiredAgent();
    }

    @Test
    void noTokenIsRefusedWith401() {
        assertThat(AgentClient.refusedStatus(base, "", null)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "?access_token=", null)).isEqualTo(401);
    }

    @Test
    void badTokensAreRefusedWith401() {
        String valid = Tokens.agent("acme", "doug");
        String tampered = Tokens.tampered(valid, "rhonda");

        assertThat(AgentClient.refusedStatus(base, "?access_token=" + tampered, null)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", tampered)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "?access_token=" + Tokens.expired("acme", "doug"), null))
                .isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.expired("acme", "doug"))).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.withIssuer("someone-else", "acme", "doug")))
                .isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "?access_token=not.a.jwt", null)).isEqualTo(401);
    }

    /** Signed by the right issuer, but meant for another application (or for none): not an agent token. */
    @Test
    void aTokenForAnotherAudienceIsRefusedWith401() {
        String otherApp = Tokens.withAudience("billing-portal", "acme", "doug");
        String noAudience = Tokens.withoutAudience("acme", "doug");

        assertThat(AgentClient.refusedStatus(base, "?access_token=" + otherApp, null)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", otherApp)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "?access_token=" + noAudience, null)).isEqualTo(401);
        assertThat(AgentClient.refusedStatus(base, "", noAudience)).isEqualTo(401);
    }

    @Test
    void aVerifiedTokenForAnAgentTheTenantDoesNotHaveIsRefusedWith403() {
        assertThat(AgentClient.refusedStatus(base, "", Tokens.agent("acme", "ghost"))).isEqualTo(403);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.agent("nowhere", "doug"))).isEqualTo(403);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.agent("acme", "retired"))).isEqualTo(403);
        assertThat(AgentClient.refusedStatus(base, "", Tokens.withoutAgentGroup("acme", "doug"))).isEqualTo(403);
    }

    @Test
    void aTokenInTheQueryOrInTheHeaderOpensTheSocket() {
        long seq = CallStateDouble.seq("acme");
        try (AgentClient byQuery = AgentClient.withQueryToken(base, Tokens.agent("acme", "doug"));
                AgentClient byHeader = AgentClient.withHeaderToken(base, Tokens.agent("acme", "rhonda"))) {
            assertThat(byQuery.nextSnapshotSeq()).isEqualTo(seq);
            assertThat(byHeader.nextSnapshotSeq()).isEqualTo(seq);
        }
    }
}
