package io.switchboard.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsForTheLocalStack() throws Exception {
        Options o = Options.parse("--dev-agent", "doug");
        assertThat(o.gateway()).hasToString("http://localhost:8080");
        assertThat(o.socket()).hasToString("ws://localhost:8080/agent/ws");
        assertThat(o.tenant()).isEqualTo("acme");
        assertThat(o.probes()).isEqualTo(5);
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyOption() throws Exception {
        Options o = Options.parse("--gateway", "https://gw.example.com/", "--token", "t.o.k", "--probes", "3",
                "--timeout", "500ms");
        assertThat(o.socket()).hasToString("wss://gw.example.com/agent/ws");
        assertThat(o.token()).isEqualTo("t.o.k");
        assertThat(o.probes()).isEqualTo(3);
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.who()).doesNotContain("t.o.k");
        assertThat(Options.parse("--gateway", "ws://h:1", "--dev-agent", "a", "--tenant", "t", "--timeout", "2m")
                .gateway()).hasToString("http://h:1");
    }

    @Test
    void badUsageIsRefused() {
        assertThatThrownBy(() -> Options.parse()).hasMessageContaining("exactly one of --token and --dev-agent");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--dev-agent", "d")).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--tenant", "x")).hasMessageContaining("--dev-agent");
        assertThatThrownBy(() -> Options.parse("--token")).hasMessage("Missing required parameter for option"
                + " '--token' (JWT)");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--probes", "0")).hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--probes", "many"))
                .hasMessageContaining("'--probes'").hasMessageContaining("'many' is not an int");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--timeout", "soon"))
                .hasMessage("Invalid value for option '--timeout': needs a duration such as 10s, 500ms or 1m; got soon");
        assertThatThrownBy(() -> Options.parse("--token", "t", "--gateway", "localhost:8080"))
                .hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> Options.parse("--verbose")).hasMessage("Unknown option: '--verbose'");
    }

    @Test
    void badUsageExitsWith2AndShowsTheUsageWhichSaysTheAgentAppearsOnline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Diagnose.run(new String[] {"--probes", "2"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(2);
        assertThat(out).startsWith("Give exactly one of --token and --dev-agent.")
                .contains("Usage: ./diagnose [--gateway URL]").contains("appear online");
    }

    @Test
    void helpShowsEveryOptionWithItsDefaultAndExits0() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Diagnose.run(new String[] {"--help"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).startsWith("Usage: ./diagnose").contains("--gateway=URL").contains("--token=JWT")
                .contains("--dev-agent=ID").contains("(default acme)").contains("(default 5)").contains("(default 10s)")
                .contains("Exit code: 0 realtime works");
    }

    @Test
    void anUnreachableGatewayIsSaidPlainlyAndExits1() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // Port 9 (discard) on the loopback: nothing listens there on a developer machine or CI runner.
        int code = Diagnose.run(new String[] {"--gateway", "http://127.0.0.1:9", "--token", "secret.tok.en",
                "--timeout", "3s"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(1);
        assertThat(out).contains("FAIL connect").contains("connection refused")
                .contains("Realtime is BROKEN at: the gateway: nothing answers at http://127.0.0.1:9")
                .doesNotContain("secret.tok.en");
    }
}
