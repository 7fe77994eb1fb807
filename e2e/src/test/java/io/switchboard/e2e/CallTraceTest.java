package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.contract.TraceAttributes;
import io.switchboard.e2e.TraceCollector.Span;
import io.switchboard.stack.Stack;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One call's trace, as an operator sees it in a trace viewer: the three packaged services export over OTLP to a
 * collector, and the incoming call's trace runs from Twilio's webhook through Kafka, call-state and its SQL, the
 * outbox and Kafka again to the gateway's push to the agent's socket.
 */
class CallTraceTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    static TraceCollector collector;
    static Stack stack;
    static AgentScreen doug;

    @BeforeAll
    static void startTheStack() throws Exception {
        collector = TraceCollector.start();
        stack = EndToEnd.start("call-trace", options -> {
            for (Stack.Service service : Stack.Service.values()) {
                options = options.withServiceEnv(service, "QUARKUS_OTEL_SDK_DISABLED", "false")
                        .withServiceEnv(service, "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
                        .withServiceEnv(service, "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.endpoint())
                        .withServiceEnv(service, "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
            }
            return options;
        });
        doug = AgentScreen.open(stack.baseUrl(Stack.Service.PRESENCE_GATEWAY), "acme", "doug");
        await().atMost(WAIT).until(doug::hasSnapshot);
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, stack, collector);
    }

    @Test
    void anIncomingCallsTraceRunsFromTheWebhookToThePushOnTheAgentsSocket() {
        String call = stack.simulator().placeCall("+15550107777", Stack.NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(call));

        await().atMost(WAIT).untilAsserted(() -> {
            Span webhook = collector.spans().stream()
                    .filter(s -> s.name().equals("POST /twilio/voice/incoming")
                            && call.equals(s.attributes().get(TraceAttributes.CALL_SID)))
                    .findFirst().orElseThrow(() -> new AssertionError("no webhook span for " + call));
            List<Span> trace = collector.trace(webhook.traceId());
            assertThat(webhook.service()).isEqualTo("call-ingest");
            Span published = child(trace, webhook, "PRODUCER", "switchboard.twilio-events");
            Span applied = child(trace, published, "CONSUMER", "switchboard.twilio-events");
            assertThat(applied.service()).isEqualTo("call-state");
            // A decision's writes go to PostgreSQL in one round trip, named after its first statement.
            Span written = child(trace, applied, "CLIENT", "INSERT switchboard.active_calls");
            assertThat(written.attributes().get("db.statement")).contains("INSERT INTO outbox");
            Span relayed = child(trace, applied, "PRODUCER", "switchboard.state-changes");
            Span received = child(trace, relayed, "CONSUMER", "switchboard.state-changes");
            assertThat(received.service()).isEqualTo("presence-gateway");
            Span push = child(trace, received, "INTERNAL", "push call");
            assertThat(push.attributes().get(TraceAttributes.TENANT)).isEqualTo("acme");
            assertThat(Long.parseLong(push.attributes().get(TraceAttributes.SOCKETS))).isPositive();
        });
        System.out.println("The incoming call's trace:\n" + tree(collector.trace(collector.spans().stream()
                .filter(s -> call.equals(s.attributes().get(TraceAttributes.CALL_SID))).findFirst().orElseThrow()
                .traceId())));
    }

    private static Span child(List<Span> trace, Span parent, String kind, String name) {
        return trace.stream().filter(s -> s.parentSpanId().equals(parent.spanId()) && s.kind().equals(kind)
                && s.name().contains(name)).findFirst().orElseThrow(() -> new AssertionError(
                        "no " + kind + " span '" + name + "' under '" + parent.name() + "' in:\n" + tree(trace)));
    }

    /** The trace as an indented tree, in start order: what a failure and the test's output show. */
    private static String tree(List<Span> trace) {
        StringBuilder out = new StringBuilder();
        trace.stream().filter(s -> trace.stream().noneMatch(p -> p.spanId().equals(s.parentSpanId())))
                .sorted(Comparator.comparingLong(Span::startNanos)).forEach(root -> append(out, trace, root, 0));
        return out.toString();
    }

    private static void append(StringBuilder out, List<Span> trace, Span span, int depth) {
        out.append("  ".repeat(depth)).append(span.service()).append(": ").append(span.kind()).append(' ')
                .append(span.name()).append('\n');
        trace.stream().filter(s -> s.parentSpanId().equals(span.spanId()))
                .sorted(Comparator.comparingLong(Span::startNanos))
                .forEach(child -> append(out, trace, child, depth + 1));
    }
}
