package io.switchboard.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.AgentClient.Closed;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agents whose right to be connected ends while they are (test profile: agents rechecked every second). */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class MidSessionAuthorizationTest {
    private static final String TENANT = "hooli";
    private static final String CLOSED = "switchboard_gateway_sessions_closed_total";

    @TestHTTPResource("/")
    URI base;

    private CallStateDouble callState;

    @BeforeEach
    void ready() {
        callState = Gateway.readyFor(TENANT, "gavin", "richard", "jared");
    }

    @AfterEach
    void close() {
        CallStateDouble.sql("UPDATE voip_users SET active = true WHERE tenant_id = '" + TENANT + "'");
        callState.close();
    }

    @Test
    void theConnectionClosesWith4401WhenTheTokenExpires() {
        double before = Gateway.metric(CLOSED, "reason=\"token_expired\"");
        // Whole seconds, as exp is.
        Instant exp = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        try (AgentClient jared = AgentClient.withQueryToken(base, Tokens.expiringAt(TENANT, "jared", exp))) {
            jared.nextSnapshotSeq();

            Closed closed = jared.awaitClose(Duration.ofSeconds(10));

            assertThat(Instant.now()).as("not before the token's exp").isAfterOrEqualTo(exp.minusMillis(50));
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("token expired");
        }
        assertThat(Gateway.metric(CLOSED, "reason=\"token_expired\"")).isEqualTo(before + 1);
    }

    @Test
    void aTokenPastItsExpIsRefusedEvenWithinTheClockSkew() {
        String justExpired = Tokens.expiringAt(TENANT, "jared", Instant.now().minusSeconds(5));

        assertThat(AgentClient.refusedStatus(base, "", justExpired)).isEqualTo(401);
    }

    @Test
    void deactivatingAnAgentClosesAllTheirConnectionsWith4403AndNoOneElses() {
        double before = Gateway.metric(CLOSED, "reason=\"deactivated\"");
        try (AgentClient gavin = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "gavin"));
                AgentClient gavinsPhone = AgentClient.withHeaderToken(base, Tokens.agent(TENANT, "gavin"));
                AgentClient richard = AgentClient.withQueryToken(base, Tokens.agent(TENANT, "richard"))) {
            gavin.nextSnapshotSeq();
            gavinsPhone.nextSnapshotSeq();
            richard.nextSnapshotSeq();

            CallStateDouble.sql("UPDATE voip_users SET active = false WHERE tenant_id = '" + TENANT
                    + "' AND id = 'gavin'");

            for (AgentClient tab : new AgentClient[] {gavin, gavinsPhone}) {
                Closed closed = tab.awaitClose(Duration.ofSeconds(10));
                assertThat(closed.code()).isEqualTo(4403);
                assertThat(closed.reason()).contains("deactivated");
            }
            String next = callState.nextAgentChange(TENANT, "richard", "Richard", AgentStatus.AWAY);
            assertThat(richard.next()).isEqualTo(next);
            assertThat(richard.isClosedByServer()).isFalse();
        }
        assertThat(Gateway.metric(CLOSED, "reason=\"deactivated\"")).isEqualTo(before + 2);
    }
}
