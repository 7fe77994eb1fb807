package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackMainTest {

    @Test
    void upTakesFreshAndTheTwilioLatency() {
        assertThat(StackMain.Up.parse(List.of())).isEqualTo(new StackMain.Up(false, Duration.ZERO, false));
        assertThat(StackMain.Up.parse(List.of("--twilio-latency", "200ms", "--fresh")))
                .isEqualTo(new StackMain.Up(true, Duration.ofMillis(200), false));
        assertThat(StackMain.Up.parse(List.of("--infra-only", "--fresh")))
                .isEqualTo(new StackMain.Up(true, Duration.ZERO, true));
    }

    @Test
    void theDevelopmentSettingsAreExportLinesAShellTakesBack() throws Exception {
        String exports = StackMain.exports(new java.util.TreeMap<>(Map.of("A_URL", "file:///x/it's here",
                "EMPTY", "")));
        assertThat(exports).isEqualTo("export A_URL='file:///x/it'\\''s here'\nexport EMPTY=''");

        Process shell = new ProcessBuilder("bash", "-c", exports + "\nprintf '%s|%s' \"$A_URL\" \"$EMPTY\"")
                .redirectErrorStream(true).start();
        assertThat(new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("file:///x/it's here|");
        assertThat(shell.waitFor()).isZero();
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
