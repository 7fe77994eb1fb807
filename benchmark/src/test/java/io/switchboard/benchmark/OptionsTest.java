package io.switchboard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionsTest {
    private static final Path ROOT = Path.of("repo");

    @Test
    void everyFigureIsMeasuredAtOnceAndWithTwiliosRoundTripUnlessToldOtherwise() {
        assertThat(BenchmarkOptions.parse(ROOT).twilioLatencies()).containsExactly(Duration.ZERO,
                Duration.ofMillis(200));
        assertThat(ClaimOptions.parse(ROOT).twilioLatencies()).containsExactly(Duration.ZERO, Duration.ofMillis(200));

        BenchmarkOptions one = BenchmarkOptions.parse(ROOT, "--twilio-latency", "200ms", "--agents", "200");

        assertThat(one.twilioLatencies()).containsExactly(Duration.ofMillis(200));
        assertThat(one.agents()).isEqualTo(200);
        assertThat(one.command()).isEqualTo("./bench --twilio-latency 200ms --agents 200");
    }

    @Test
    void theClaimScenarioReadsItsOwnOptions() {
        ClaimOptions o = ClaimOptions.parse(ROOT, "--claimers", "4", "--storms", "3", "--ring-rate", "1.5",
                "--twilio-latency", "100ms,300ms", "--no-docs");

        assertThat(o.claimers()).isEqualTo(4);
        assertThat(o.storms()).isEqualTo(3);
        assertThat(o.ringRate()).isEqualTo(1.5);
        assertThat(o.twilioLatencies()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(300));
        assertThat(o.docs()).isNull();
        assertThat(o.command()).startsWith("./bench claims --claimers 4");
    }

    @Test
    void theHistoryScenarioSearchesAMillionCallsUnlessToldOtherwise() {
        assertThat(HistoryOptions.parse(ROOT).calls()).isEqualTo(1_000_000);
        HistoryOptions o = HistoryOptions.parse(ROOT, "--calls", "5000", "--requests", "10", "--no-docs");

        assertThat(o.calls()).isEqualTo(5000);
        assertThat(o.requests()).isEqualTo(10);
        assertThat(o.docs()).isNull();
        assertThat(o.command()).isEqualTo("./bench history --calls 5000 --requests 10 --no-docs");
        assertThatThrownBy(() -> HistoryOptions.parse(ROOT, "--calls", "10")).hasMessageContaining("1000 calls");
    }

    @Test
    void aBadValueIsRefusedNamingItsOption() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(ROOT, "--twilio-latency", "0ms,200"))
                .hasMessageStartingWith("Invalid value for option '--twilio-latency' (L): Not a duration: '200'");
        assertThatThrownBy(() -> ClaimOptions.parse(ROOT, "--storms", "many"))
                .hasMessage("Invalid value for option '--storms': 'many' is not an int");
        assertThatThrownBy(() -> ClaimOptions.parse(ROOT, "--claimers"))
                .hasMessage("Missing required parameter for option '--claimers' (N)");
        assertThatThrownBy(() -> ClaimOptions.parse(ROOT, "--agents", "10")).hasMessageStartingWith("Unknown option"
                + "s: '--agents', '10'");
        assertThatThrownBy(() -> ClaimOptions.parse(ROOT, "--claimers", "0")).hasMessageContaining("at least one");
    }

    @Test
    void theScenariosAreSubcommandsWithTheirOwnUsage() {
        StringWriter out = new StringWriter();
        CommandLine line = BenchCommands.commandLine(ROOT, "claims", "--help").setOut(new PrintWriter(out));

        assertThat(line.execute("claims", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: ./bench claims").contains("--claimers=N")
                .contains("(default 10)").contains("--twilio-latency=L[,L...]").contains("--no-docs")
                .doesNotContain("--agents");

        StringWriter top = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine bench = BenchCommands.commandLine(ROOT).setOut(new PrintWriter(top)).setErr(new PrintWriter(err));
        assertThat(bench.execute("--help")).isZero();
        assertThat(top.toString()).contains("--agents=N").contains("(default 1000; up to 10000)").contains("claims")
                .contains("history").contains("./bench jmh");
        assertThat(bench.execute("--rate", "0")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Need at least one agent per tenant").contains("Usage: ./bench");
    }
}
