package io.switchboard.stack;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * Where a service under test sends its spans: memory, for the test to read, instead of an OTLP collector. Only the
 * latest spans are kept, so a test that pushes thousands of changes does not fill the heap with their traces. A
 * service picks it up with {@code %test.quarkus.index-dependency.local-stack.*} and the default
 * {@code quarkus.otel.traces.exporter=cdi}; its tests inject it.
 */
@Singleton
public class TestSpans implements SpanExporter {
    private static final int KEPT = 5_000;
    private final Deque<SpanData> spans = new ArrayDeque<>();

    /** The spans ended and exported so far, oldest first (at most the latest few thousand). */
    public synchronized List<SpanData> finished() {
        return List.copyOf(spans);
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
        for (SpanData span : batch) {
            if (spans.size() == KEPT) {
                spans.removeFirst();
            }
            spans.addLast(span);
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
