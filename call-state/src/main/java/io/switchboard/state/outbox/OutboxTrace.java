package io.switchboard.state.outbox;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries a trace across the outbox: the row keeps the W3C {@code traceparent} of the work that wrote it, and the
 * relay, later and on another thread (or replica), publishes the row inside that trace. Without it every call's
 * trace would stop at call-state's commit.
 */
public final class OutboxTrace {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<String> ROW = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String traceparent) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String traceparent, String key) {
            return TRACEPARENT.equals(key) ? traceparent : null;
        }
    };

    private OutboxTrace() {
    }

    /** The current trace context as a {@code traceparent}, or null when nothing is traced (tracing off, no span). */
    public static String current() {
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a row's {@code traceparent} names; the root context when the row has none. */
    static Context of(String traceparent) {
        return traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, ROW);
    }
}
