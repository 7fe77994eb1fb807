package io.switchboard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bench claims}' machinery, small and short: three agents storming twice at each of two Twilio latencies, a
 * few seconds of steady claims and of the second tenant's calls. It checks that sane result files come out, never
 * how fast anything was: timings belong to ./bench runs, not to tests.
 */
class ClaimScenarioSmokeTest {

    @Test
    void aSmallRunWritesSaneResultFiles(@TempDir Path docs) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();
        Path results = root.resolve("benchmark/target/smoke-results");
        ClaimOptions options = ClaimOptions.parse(root, "--claimers", "3", "--storms", "2", "--ring-agents", "3",
                "--duration", "3s", "--warmup", "1s", "--twilio-latency", "0ms,200ms")
                .withResults(results, docs);

        Path file = ClaimScenario.run(options);

        JsonNode result = new ObjectMapper().readTree(file.toFile());
        assertThat(file.getFileName().toString()).startsWith("claims-");
        assertThat(result.at("/connect/with_snapshot").asInt()).isEqualTo(6);
        JsonNode phases = result.get("by_twilio_latency");
        assertThat(phases).extracting(p -> p.get("twilio_latency_ms").asLong()).containsExactly(0L, 200L);
        for (JsonNode phase : phases) {
            // Every agent's claim of every storm answered, and acknowledged: each claimed a call of its own.
            assertThat(phase.get("storms")).hasSize(2).allSatisfy(storm -> {
                assertThat(storm.get("count").asInt()).isEqualTo(3);
                assertThat(storm.get("errors").isEmpty()).as(storm.toString()).isTrue();
                assertThat(storm.get("max_ms").asDouble()).isGreaterThanOrEqualTo(storm.get("p50_ms").asDouble());
            });
            assertThat(phase.at("/every_storm_claim_to_ack/count").asInt()).isEqualTo(6);
            assertThat(phase.at("/steady_claims/claim_round_trip/count").asLong()).isPositive();
            JsonNode second = phase.get("second_tenant");
            for (String run : new String[] {"alone", "during_storms"}) {
                assertThat(second.at("/" + run + "/end_to_end_every_agent/count").asLong()).as(run)
                        .isEqualTo(second.at("/" + run + "/ring_samples_expected").asLong()).isPositive();
            }
            assertThat(second.get("storms_during").asInt()).isPositive();
            assertThat(second.at("/storms_claim_to_ack/count").asInt()).isPositive();
            assertThat(second.get("ring_p99_change_percent").isNumber()).isTrue();
        }
        assertThat(result.get("targets")).hasSize(3).allSatisfy(t -> assertThat(t.get("measured").asText())
                .doesNotContain("no run at"));
        String svg = Files.readString(file.resolveSibling(file.getFileName().toString().replace(".json", ".svg")));
        assertThat(svg).startsWith("<svg").contains("polyline").contains("storms, Twilio 200 ms");
        BenchmarkSmokeTest.assertResultFile(docs, "claims", "claims", result, file);
    }
}
