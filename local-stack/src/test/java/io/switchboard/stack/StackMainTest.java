package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackMainTest {

    @Test
    void upTakesFreshAndTheTwilioLatency() {
        assertThat(StackMain.Up.parse(List.of())).isEqualTo(new StackMain.Up(false, Duration.ZERO));
        assertThat(StackMain.Up.parse(List.of("--twilio-latency", "200ms", "--fresh")))
                .isEqualTo(new StackMain.Up(true, Duration.ofMillis(200)));
    }

    @Test
    void aBadOptionIsRefusedSayingWhich() {
        assertThatThrownBy(() -> StackMain.Up.parse(List.of("--twilio-latency", "200")))
                .hasMessageStartingWith("--twilio-latency: Not a duration: '200'");
        assertThatThrownBy(() -> StackMain.Up.parse(List.of("--twilio-latency")))
                .hasMessage("Unknown option or missing value: --twilio-latency");
        assertThatThrownBy(() -> StackMain.Up.parse(List.of("--fast"))).hasMessageContaining("--fast");
    }
}
