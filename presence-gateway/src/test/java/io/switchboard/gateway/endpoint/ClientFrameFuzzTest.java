package io.switchboard.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.gateway.support.AgentClient;
import io.switchboard.gateway.support.CallStateDouble;
import io.switchboard.gateway.support.CapturedLogs;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.gateway.support.RawAgentSocket;
import io.switchboard.gateway.support.Tokens;
import io.switchboard.stack.SwitchboardTestResource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that sends garbage: seeded random frames of every kind the protocol does not define. Each gets an
 * {@code error} frame with a code, or the connection is closed with a code and a reason; meanwhile another agent of
 * the same tenant still gets its changes and its commands answered, and nothing is logged as an error with a stack
 * trace (client garbage is not the gateway's failure). A failure prints the round and the frame; the seed reruns it.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ClientFrameFuzzTest {
    static final long SEED = 6_2026_11_21L;
    static final int ROUNDS = 300;
    /** Fewer than the command burst (20): garbage is parsed, not only rate limited. */
    static final int FRAMES_PER_CONNECTION = 15;
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int MAX_FRAME = 65_536;
    /** quarkus.websockets-next.server.max-frame-size */
    static final int MAX_DECODED_FRAME = 262_144;

    @TestHTTPResource("/")
    URI base;

    /**
     * One kind of garbage: how to send it, and the close code it earns (0: an error frame, the connection stays; -1:
     * the connection ends without a close frame).
     */
    record Garbage(String kind, int closeCode, Function<Random, Object> payload) {
    }

    static final List<Garbage> KINDS = List.of(
            new Garbage("not JSON", 0, r -> pick(r, "{", "}", "{\"type\":", "null", "[]", "\"claim\"", "42", "",
                    "{type:claim}", "{\"type\":\"claim\",}", "{'type':'claim'}", "\u0000", "NaN", "{\"a\":1}{")),
            new Garbage("truncated command", 0, r -> {
                String frame = "{\"type\":\"claim\",\"callSid\":\"CA1\",\"requestId\":\"r1\"}";
                return frame.substring(0, r.nextInt(frame.length() - 1));
            }),
            new Garbage("random characters", 0, r -> randomText(r, 1 + r.nextInt(300))),
            new Garbage("unknown type", 0, r -> "{\"type\":\"" + randomWord(r) + "\",\"requestId\":\"r\"}"),
            new Garbage("wrong field types", 0, r -> pick(r,
                    "{\"type\":\"claim\",\"callSid\":123,\"requestId\":\"r\"}",
                    "{\"type\":\"claim\",\"callSid\":\"CA1\",\"requestId\":{}}",
                    "{\"type\":[\"claim\"],\"requestId\":\"r\"}",
                    "{\"type\":null}",
                    "{\"type\":\"status\",\"status\":true,\"requestId\":\"r\"}",
                    "{\"type\":\"status\",\"status\":\"busy\",\"requestId\":\"r\"}",
                    "{\"type\":\"resume\",\"seq\":\"41\"}",
                    "{\"type\":\"resume\",\"seq\":-1}",
                    "{\"type\":\"resume\",\"seq\":1.5}",
                    "{\"type\":\"resume\",\"seq\":1e400}",
                    "{\"type\":\"resume\",\"seq\":123456789012345678901234567890}",
                    "{\"type\":\"hangup\",\"callSid\":\"   \",\"requestId\":\"r\"}",
                    "{\"type\":\"probe\"}")),
            new Garbage("deep nesting", 0, r -> {
                int depth = 500 + r.nextInt(5_000);
                return "[".repeat(depth) + (r.nextBoolean() ? "]".repeat(depth) : "");
            }),
            new Garbage("deep object", 0, r -> "{\"type\":\"claim\",\"x\":" + "{\"a\":".repeat(3_000) + "1"
                    + "}".repeat(3_000) + "}"),
            new Garbage("long strings under the limit", 0, r -> "{\"type\":\"" + "t".repeat(30_000)
                    + "\",\"requestId\":\"" + "r".repeat(30_000) + "\"}"),
            new Garbage("a frame over 64 KiB", 1009, r -> "{\"type\":\"claim\",\"callSid\":\""
                    + "C".repeat(MAX_FRAME + r.nextInt(50_000)) + "\"}"),
            new Garbage("a frame over the decoder's limit", -1, r -> "{\"type\":\"claim\",\"callSid\":\""
                    + "C".repeat(MAX_DECODED_FRAME + r.nextInt(50_000)) + "\"}"),
            new Garbage("binary frame", 1003, r -> randomBytes(r, 1 + r.nextInt(2_000))),
            // Vert.x does not check UTF-8: the text reads with replacement characters, which is no JSON.
            new Garbage("text that is not UTF-8", 0, r -> new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void garbageGetsAnErrorOrACloseWithAReasonAndTheGatewayServesOthersMeanwhile() {
        Gateway.awaitReady();
        Random random = new Random(SEED);
        try (CapturedLogs logs = CapturedLogs.capture();
                CallStateDouble callState = new CallStateDouble();
                AgentClient bystander = AgentClient.withQueryToken(base, Tokens.agent("acme", "rhonda"))) {
            bystander.nextSnapshotSeq();
            RawAgentSocket fuzzed = open();
            int sentOnThisConnection = 0;
            for (int round = 0; round < ROUNDS; round++) {
                Garbage garbage = KINDS.get(random.nextInt(KINDS.size()));
                Object payload = garbage.payload().apply(random);
                String what = "round " + round + " (seed " + SEED + "): " + garbage.kind() + ": "
                        + abbreviated(payload);
                if (sentOnThisConnection == FRAMES_PER_CONNECTION) {
                    fuzzed.close();
                    fuzzed = open();
                    sentOnThisConnection = 0;
                }
                if (garbage.closeCode() == -1) {
                    // Vert.x drops the TCP connection as soon as it reads the frame's length, while the client may
                    // still be writing the frame; a close frame may make it out first, or not.
                    try {
                        send(fuzzed, payload);
                        RawAgentSocket.Message end = fuzzed.readToEnd(WAIT);
                        assertThat(end.closeCode()).as(what + " → " + end).isIn(-1, 1009);
                    } catch (IllegalStateException cutOff) {
                        assertThat(cutOff.getMessage()).as(what).containsAnyOf("Broken pipe", "reset");
                    }
                    fuzzed.close();
                    fuzzed = open();
                    sentOnThisConnection = 0;
                    continue;
                }
                send(fuzzed, payload);
                sentOnThisConnection++;

                RawAgentSocket.Message answer = nextAnswer(fuzzed);
                if (garbage.closeCode() == 0) {
                    assertThat(answer.isText()).as(what + " → " + answer).isTrue();
                    JsonNode error = read(answer.text());
                    assertThat(error.path("type").asText()).as(what).isEqualTo("error");
                    assertThat(error.path("code").asText()).as(what).isIn("bad_request", "rate_limited");
                    assertThat(error.path("message").asText()).as(what).isNotBlank();
                } else {
                    assertThat(answer.isClose()).as(what + " → " + answer).isTrue();
                    assertThat(answer.closeCode()).as(what).isEqualTo(garbage.closeCode());
                    assertThat(answer.text()).as(what + ": the close's reason").isNotBlank();
                    fuzzed.close();
                    fuzzed = open();
                    sentOnThisConnection = 0;
                }

                if (round % 25 == 0) {
                    bystanderStillGetsChanges(callState, bystander, what);
                }
            }
            fuzzed.close();

            // A flood on one connection: every frame answered, at once, and the connection stays.
            RawAgentSocket flooding = open();
            for (int i = 0; i < 200; i++) {
                flooding.sendText(i % 2 == 0 ? "{\"type\":\"nonsense\",\"requestId\":\"f" + i + "\"}" : "{");
            }
            for (int i = 0; i < 200; i++) {
                JsonNode error = read(nextAnswer(flooding).text());
                assertThat(error.path("code").asText()).as("flood frame %d", i).isIn("bad_request", "rate_limited");
            }
            flooding.close();

            bystanderStillGetsChanges(callState, bystander, "after the garbage");
            bystanderCommandIsStillAnswered(callState, bystander);
            assertThat(logs.errorsWithStackTraces()).as("errors with stack traces in the log").isEmpty();
        }
    }

    private RawAgentSocket open() {
        RawAgentSocket socket = RawAgentSocket.connect(base, Tokens.agent("acme", "doug"), 1 << 16, true);
        assertThat(read(socket.nextText(WAIT)).path("type").asText()).isEqualTo("snapshot");
        return socket;
    }

    /** The next answer or close, past the tenant's changes (the fuzzed agent gets them too). */
    private static RawAgentSocket.Message nextAnswer(RawAgentSocket socket) {
        while (true) {
            RawAgentSocket.Message message = socket.next(WAIT);
            if (!message.isText() || !read(message.text()).has("seq")) {
                return message;
            }
        }
    }

    private static void send(RawAgentSocket socket, Object payload) {
        if (payload instanceof String text) {
            socket.sendText(text);
        } else if (payload instanceof byte[] bytes && bytes.length > 0 && bytes[0] == '{') {
            socket.sendTextBytes(bytes);
        } else {
            socket.sendBinary((byte[]) payload);
        }
    }

    private static void bystanderStillGetsChanges(CallStateDouble callState, AgentClient bystander, String when) {
        String change = callState.nextAgentChange("acme", "doug", "Doug", AgentStatus.AVAILABLE);
        callState.publishChange("acme", change);
        JsonNode frame = bystander.nextJson();
        assertThat(frame.path("type").asText()).as("the bystander's next frame, " + when).isEqualTo("agent");
        assertThat(frame.path("seq").asLong()).isEqualTo(read(change).path("seq").asLong());
    }

    private static void bystanderCommandIsStillAnswered(CallStateDouble callState, AgentClient bystander) {
        bystander.send("{\"type\":\"claim\",\"callSid\":\"CA-fuzz\",\"requestId\":\"after-fuzz\"}");
        AgentCommand command = CallStateDouble.command(
                callState.awaitCommand(c -> "after-fuzz".equals(c.requestId())).value());
        callState.reply(AgentReply.ack(command));
        assertThat(bystander.nextJson().path("type").asText()).isEqualTo("ack");
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("Not JSON from the gateway: " + json, e);
        }
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String randomWord(Random random) {
        return pick(random, "CLAIM", "claim ", "Claim", "answer", "__proto__", "snapshot", "ack", "error", "", "💥",
                "claim\u0000", "resume;", "x".repeat(1 + random.nextInt(200)));
    }

    /** Any characters, control and astral ones included (valid UTF-16, so valid UTF-8 on the wire). */
    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(0x10FFFF);
            if (Character.isValidCodePoint(codePoint) && !(codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = 0; // not '{': sent as a binary frame
        return bytes;
    }

    /** Printable ASCII only: a report full of control characters is no help (and upsets the test runner). */
    private static String abbreviated(Object payload) {
        String text = payload instanceof String s ? s : new String((byte[]) payload, StandardCharsets.ISO_8859_1);
        StringBuilder shown = new StringBuilder();
        text.chars().limit(80).forEach(c -> shown.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return text.length() > 80 ? shown + "... (" + text.length() + " chars)" : shown.toString();
    }
}
