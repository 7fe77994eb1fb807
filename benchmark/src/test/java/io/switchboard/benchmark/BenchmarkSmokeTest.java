package io.switchboard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's machinery, small and short: 20 agents, a few calls a second for a few seconds, a short webhook
 * burst, and Nchan when nginx and its module are installed (scripts/ensure-nchan.sh). It checks that sane result
 * files come out, never how fast anything was: timings belong to ./bench runs, not to tests.
 */
class BenchmarkSmokeTest {

    @Test
    void aSmallRunWritesSaneResultFiles(@TempDir Path docs) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();
        Path results = root.resolve("benchmark/target/smoke-results");
        BenchmarkOptions options = BenchmarkOptions.parse(root, "--agents", "20", "--rate", "4", "--duration", "4s",
                "--warmup", "1s", "--webhook-duration", "2s", "--webhook-concurrency", "16",
                "--twilio-latency", "0ms,200ms")
                .withResults(results, docs);

        Path file = Benchmark.run(options);

        JsonNode result = new ObjectMapper().readTree(file.toFile());
        assertThat(result.at("/connect/with_snapshot").asInt()).isEqualTo(20);
        JsonNode phases = result.get("by_twilio_latency");
        assertThat(phases).extracting(p -> p.get("twilio_latency_ms").asLong()).containsExactly(0L, 200L);
        for (JsonNode phase : phases) {
            JsonNode calls = phase.get("calls");
            assertThat(calls.get("calls_measured").asInt()).isPositive();
            // Every connected agent's RINGING frame of every measured call is one sample.
            assertThat(calls.at("/end_to_end_every_agent/count").asLong())
                    .isEqualTo(calls.get("ring_samples_expected").asLong()).isPositive();
            assertThat(calls.at("/end_to_end_every_agent/p99_ms").asDouble())
                    .isGreaterThanOrEqualTo(calls.at("/end_to_end_every_agent/p50_ms").asDouble());
            assertThat(calls.at("/claim_round_trip/count").asLong()).isPositive();
            assertThat(calls.at("/claim_to_connected/count").asLong()).isPositive();
            assertThat(calls.at("/claim_to_connected_every_screen/count").asLong()).isPositive();
            assertThat(calls.get("ring_frame_bytes").asInt()).isBetween(100, 2000);
            assertThat(phase.at("/processes_during_calls/presence-gateway/rss_mb").asLong()).isPositive();
        }
        assertThat(result.at("/webhook_throughput/accepted").asLong()).isPositive();
        // Four targets judged at each Twilio latency (the 200-agent shape, 10,000 agents, the ratio to Nchan's p99,
        // the gateway's CPU per frame), then the webhook admission.
        assertThat(result.get("targets")).hasSize(4 * 2 + 1);
        assertThat(result.get("targets")).allSatisfy(t -> assertThat(t.get("target").asText()).isNotBlank());
        if (!result.at("/nchan/skipped").isTextual()) {
            assertThat(result.at("/nchan/publish_to_every_subscriber/count").asLong()).isPositive();
        }
        String svg = Files.readString(file.resolveSibling(file.getFileName().toString().replace(".json", ".svg")));
        assertThat(svg).startsWith("<svg").contains("polyline").contains("Twilio 200 ms");
        assertThat(result.get("commit").asText()).matches("[0-9a-f]{7,40}(-dirty)?");
        assertResultFile(docs, "20-agents", "20 agents", result, file);
    }

    /** The run's section, in a result file of its own named after the run's start and {@code what} ran. */
    static void assertResultFile(Path docs, String what, String title, JsonNode result, Path json) throws Exception {
        try (Stream<Path> written = Files.list(docs)) {
            assertThat(written).singleElement().satisfies(md -> {
                assertThat(md.getFileName().toString()).matches("\\d{4}-\\d\\d-\\d\\d-\\d{4}-" + what + "\\.md");
                assertThat(Files.readString(md)).startsWith("# " + result.get("date").asText() + " — " + title)
                        .contains("- commit: " + result.get("commit").asText(), json.getFileName().toString(),
                                "| target | measured | verdict |");
            });
        }
    }
}
