package io.switchboard.state.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.state.TwilioSimulatorResource;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class ProcessedEventsJanitorTest {

    @Inject
    ProcessedEventsJanitor janitor;

    @Test
    void idsOlderThanTheRetentionAreForgottenAndRecentOnesKept() throws Exception {
        SwitchboardTestResource.postgres().execute("""
                INSERT INTO processed_events (event_id, processed_at) VALUES
                    ('janitor:old', now() - interval '8 days'), ('janitor:recent', now() - interval '6 days')""");

        janitor.forgetOldIds();

        try (var c = SwitchboardTestResource.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT event_id FROM processed_events WHERE event_id LIKE 'janitor:%'");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("janitor:recent");
            assertThat(rs.next()).isFalse();
        }
    }
}
