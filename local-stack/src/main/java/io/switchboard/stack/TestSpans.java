package io.switchboard.stack;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where a service under test sends its spans: memory, for the test to read, instead of an OTLP collector. A service
 * picks it up with {@code %test.quarkus.index-dependency.local-stack.*} and {@code quarkus.otel.traces.exporter=cdi}
 * (the default), and its tests inject the {@link InMemorySpanExporter}.
 */
@Singleton
public class TestSpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
