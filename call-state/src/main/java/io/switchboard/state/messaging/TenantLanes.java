package io.switchboard.state.messaging;

import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.switchboard.state.Lanes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Applies Kafka records in the lane of their tenant: one tenant's records one after the other, in the order the topic
 * gave them; different tenants side by side, so no tenant waits behind another's decision. A record is acknowledged
 * once applied; the Kafka connector's throttled commit strategy commits an offset only when every record before it
 * on the partition is acknowledged, so a crash redelivers what was not applied (and the dedupe skips what was).
 */
@ApplicationScoped
public class TenantLanes {
    /** Records taken from Kafka and not yet applied, beyond which the consumer waits: memory stays bounded. */
    static final int MAX_IN_FLIGHT = 1000;

    private final Lanes lanes;
    private final RecordReader reader;
    private final AtomicInteger inFlight = new AtomicInteger();

    public TenantLanes(ManagedExecutor pool, RecordReader reader) {
        this.lanes = new Lanes(pool);
        this.reader = reader;
    }

    /**
     * Reads a record of {@code channel} and applies it with {@code work} in its tenant's lane; a record that does not
     * read is nacked at once (the channel's failure strategy sends it to the dead-letter topic).
     *
     * @return completes when the consumer may hand over its next record
     */
    public <T> CompletionStage<Void> apply(Message<String> record, Class<T> type, String channel,
            Function<T, String> tenantOf, Consumer<T> work) {
        T value;
        try {
            value = reader.read(record.getPayload(), type, channel);
        } catch (IllegalArgumentException e) {
            return record.nack(e);
        }
        return apply(record, tenantOf.apply(value), () -> work.accept(value));
    }

    /**
     * Applies {@code record} with {@code work} in {@code tenantId}'s lane, in the record's trace, and acknowledges it
     * (or, if {@code work} throws, nacks it: the channel's failure strategy sends it to the dead-letter topic).
     *
     * @return completes when the consumer may hand over its next record: at once, unless too many are in flight
     */
    public CompletionStage<Void> apply(Message<?> record, String tenantId, Runnable work) {
        Context trace = TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext)
                .orElse(Context.current());
        inFlight.incrementAndGet();
        // A record without a tenant still needs a lane: its work says what is wrong with it.
        CompletableFuture<Void> settled = lanes.run(Objects.requireNonNullElse(tenantId, ""), trace.wrapSupplier(() -> {
            work.run();
            return null;
        })).handle((ok, failure) -> failure)
                .thenCompose(failure -> {
                    inFlight.decrementAndGet();
                    return failure == null ? record.ack() : record.nack(cause(failure));
                }).toCompletableFuture();
        return inFlight.get() < MAX_IN_FLIGHT ? CompletableFuture.completedFuture(null) : settled;
    }

    /** Tenants with records being applied or waiting. */
    public int busyTenants() {
        return lanes.open();
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
