package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.diagnose.Diagnose;
import io.switchboard.stack.Stack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * "Is realtime working?" on the packaged stack: the gateway's own canary (readiness detail and metrics) and
 * {@code ./diagnose} as an agent would run it, while everything works, while call-state is stopped, and once it is
 * back. One stack for all: the steps run in order, each starting from where the one before left it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Pattern ROUND_TRIPS = Pattern.compile("(?m)^switchboard_gateway_canary_round_trip_seconds_count(?:\\{[^}]*\\})? (\\S+)$");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stack stack;
    static String gateway;

    @BeforeAll
    static void startTheStack() {
        stack = EndToEnd.start("canary", o -> o
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_CANARY_INTERVAL", "1s")
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_CANARY_LOST_AFTER", "3s"));
        gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(stack);
    }

    @Test
    @Order(1)
    void theGatewaysCanarySaysRealtimeWorksAndMeasuresRoundTrips() throws Exception {
        // Right after the stack starts, the first probes may be lost while the gateway's consumer joins (CI saw it).
        await().atMost(WAIT).until(() -> "working".equals(canary().path("realtime").asText())
                && roundTrips() > 0);
        JsonNode canary = canary();
        System.out.println("canary while everything runs: " + canary);
        assertThat(canary.path("enabled").asBoolean()).isTrue();
        assertThat(canary.path("lastRoundTripMillis").asLong()).isLessThan(5_000);
        assertThat(canary.has("problem")).isFalse();
    }

    @Test
    @Order(2)
    void diagnoseReportsThatChangesReachTheClientAndHowFast() throws Exception {
        Run run = diagnose();
        assertThat(run.code).as(run.out).isZero();
        assertThat(run.out).contains("ok   connect", "ok   snapshot", "probe 5/5", "realtime working")
                .containsPattern("(?m)^Realtime works: changes reach this client in p50 \\d+ ms, max \\d+ ms over 5 probes$");
    }

    @Test
    @Order(3)
    void withCallStateStoppedBothNameCallStateAsTheBrokenHop() throws Exception {
        stack.stop(Stack.Service.CALL_STATE);
        long stopped = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> "broken".equals(canary().path("realtime").asText()));
        JsonNode canary = canary();
        System.out.printf("canary %d ms after call-state stopped: %s%n", (System.nanoTime() - stopped) / 1_000_000,
                canary);
        assertThat(canary.path("problem").asText()).startsWith("call-state does not answer probes");

        Run run = diagnose();
        assertThat(run.code).as(run.out).isEqualTo(1);
        assertThat(run.out).contains("ok   snapshot", "FAIL probe 1/5", "probes 2–5 not sent")
                .contains("Realtime is BROKEN at: call-state does not answer: down, or lagging on"
                        + " switchboard.agent-commands");
    }

    @Test
    @Order(4)
    void onceCallStateIsBackRealtimeWorksAgain() throws Exception {
        stack.start(Stack.Service.CALL_STATE);
        await().atMost(WAIT).until(() -> "working".equals(canary().path("realtime").asText()));
        System.out.println("canary with call-state back: " + canary());
        Run run = diagnose();
        assertThat(run.code).as(run.out).isZero();
        assertThat(run.out).contains("Realtime works: changes reach this client in p50");
    }

    record Run(int code, String out) {
    }

    /** Runs ./diagnose's main logic in this JVM, as an agent of the seed tenant, and shows its report. */
    static Run diagnose() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Diagnose.run(new String[] {"--gateway", gateway, "--dev-agent", "doug", "--timeout", "5s"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.printf("./diagnose --dev-agent doug (exit %d, %d ms):%n%s%n", code,
                (System.nanoTime() - start) / 1_000_000, out);
        return new Run(code, out);
    }

    /** The canary's detail in the gateway's readiness report. */
    static JsonNode canary() throws Exception {
        JsonNode ready = Json.MAPPER.readTree(get("/q/health/ready"));
        for (JsonNode check : ready.path("checks")) {
            if ("End-to-end canary".equals(check.path("name").asText())) {
                assertThat(check.path("status").asText()).as("the canary never takes the gateway out").isEqualTo("UP");
                return check.path("data");
            }
        }
        throw new AssertionError("No canary in the readiness report: " + ready);
    }

    static double roundTrips() throws Exception {
        Matcher m = ROUND_TRIPS.matcher(get("/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static String get(String path) throws Exception {
        // text/plain: Prometheus' text format, whose lines end with the value (OpenMetrics may add an exemplar).
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
