package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ChangeHeaderTest {
    final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void aChangeNeedsItsSeqAProbeHasNone() {
        ChangeHeader change = ChangeHeader.parse(mapper, "{\"type\":\"call\",\"tenantId\":\"acme\",\"seq\":7,\"call\":{}}");
        assertThat(change).isEqualTo(new ChangeHeader("call", "acme", 7L, null));
        assertThat(change.probe()).isFalse();

        ChangeHeader probe = ChangeHeader.parse(mapper, "{\"type\":\"probe\",\"tenantId\":\"_canary\",\"gatewayId\":\"g\"}");
        assertThat(probe.probe()).isTrue();

        assertThatThrownBy(() -> ChangeHeader.parse(mapper, "{\"type\":\"call\",\"tenantId\":\"acme\"}"))
                .hasMessageContaining("seq");
        assertThatThrownBy(() -> ChangeHeader.parse(mapper, "{\"type\":\"probe\"}")).hasMessageContaining("tenantId");
        assertThatThrownBy(() -> ChangeHeader.parse(mapper, "[1]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeactivationOrASignOutClosesItsAgentsScreensAndNothingElseCloses() {
        assertThat(ChangeHeader.parse(mapper, "{\"type\":\"agent_removed\",\"tenantId\":\"acme\",\"seq\":8,"
                + "\"agentId\":\"rhonda\"}").closes()).isEqualTo(CloseCause.DEACTIVATED);
        ChangeHeader signedOut = ChangeHeader.parse(mapper, "{\"type\":\"signed_out\",\"tenantId\":\"acme\",\"seq\":9,"
                + "\"agentId\":\"rhonda\",\"by\":\"doug\"}");
        assertThat(signedOut.closes()).isEqualTo(CloseCause.SIGNED_OUT);
        assertThat(signedOut.agentId()).isEqualTo("rhonda");
        assertThat(ChangeHeader.parse(mapper, "{\"type\":\"agent\",\"tenantId\":\"acme\",\"seq\":10,"
                + "\"agent\":{\"id\":\"rhonda\"}}").closes()).isNull();
    }
}
