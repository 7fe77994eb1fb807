package io.switchboard.state.messaging;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.switchboard.state.CallDesk;
import io.switchboard.state.Lanes;
import io.switchboard.state.Retry;
import io.switchboard.state.core.Input;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Applies Kafka records in the lane of their tenant: one tenant's records one after the other, in the order the topic
 * gave them; different tenants side by side, so no tenant waits behind another's decision. When a tenant's lane gets
 * its turn, the inputs waiting in it are decided together, in one transaction ({@link CallDesk#handleAll}): a busy
 * tenant pays one lock and one commit for many inputs instead of one each, so its lane keeps up with the records
 * rather than queueing them. A record is acknowledged once applied; the Kafka connector's throttled commit strategy
 * commits an offset only when every record before it on the partition is acknowledged, so a crash redelivers what was
 * not applied (and the dedupe skips what was).
 */
@ApplicationScoped
public class TenantLanes {
    /** Records taken from Kafka and not yet applied, beyond which the consumer waits: memory stays bounded. */
    static final int MAX_IN_FLIGHT = 1000;
    /** Inputs decided in one transaction at most: a transaction's locks and its writes stay small. */
    static final int MAX_BATCH = 100;

    /** A record's work in its tenant's lane. */
    public sealed interface Work {
    }

    /** An input to decide, with the tenant's other inputs waiting in the lane; {@code then} follows its outcome. */
    public record Decide(String deliveryId, Input input, String askingAgent, Then then) implements Work {
    }

    /** Work that is no decision (a probe), run in its place in the lane. */
    public record Alone(Runnable run) implements Work {
    }

    /** What follows a decision: its outcome, or the failure that kept it from being decided (an unknown tenant). */
    public interface Then {
        /** Throwing nacks the record: the channel's failure strategy sends it to the dead-letter topic. */
        void accept(CallDesk.Outcome outcome, RuntimeException failure);
    }

    private record Waiting(Work work, Context trace, CompletableFuture<Void> done) {
    }

    private final Lanes lanes;
    private final CallDesk desk;
    private final RecordReader reader;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, Queue<Waiting>> waiting = new ConcurrentHashMap<>();

    public TenantLanes(ManagedExecutor pool, CallDesk desk, RecordReader reader) {
        this.lanes = new Lanes(pool);
        this.desk = desk;
        this.reader = reader;
    }

    /**
     * Reads a record of {@code channel} and applies the work it gives in its tenant's lane; a record that does not
     * read, or gives no work, is nacked at once (the channel's failure strategy sends it to the dead-letter topic).
     *
     * @return completes when the consumer may hand over its next record
     */
    public <T> CompletionStage<Void> apply(Message<String> record, Class<T> type, String channel,
            Function<T, String> tenantOf, Function<T, Work> work) {
        T value;
        Work given;
        try {
            value = reader.read(record.getPayload(), type, channel);
            given = work.apply(value);
        } catch (RuntimeException e) {
            return record.nack(e);
        }
        return apply(record, tenantOf.apply(value), given);
    }

    /**
     * Applies {@code record} with {@code work} in {@code tenantId}'s lane, in the record's trace, and acknowledges it
     * (or, if the work throws, nacks it: the channel's failure strategy sends it to the dead-letter topic).
     *
     * @return completes when the consumer may hand over its next record: at once, unless too many are in flight
     */
    public CompletionStage<Void> apply(Message<?> record, String tenantId, Work work) {
        Context trace = TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext)
                .orElse(Context.current());
        inFlight.incrementAndGet();
        // A record without a tenant still needs a lane: its work says what is wrong with it.
        String lane = Objects.requireNonNullElse(tenantId, "");
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.computeIfAbsent(lane, key -> new ConcurrentLinkedQueue<>()).add(new Waiting(work, trace, done));
        // Each record gives its lane a turn; a turn takes every record waiting, so later turns may find none.
        lanes.run(lane, () -> {
            takeTurn(lane, tenantId);
            return null;
        });
        CompletableFuture<Void> settled = done.handle((ok, failure) -> failure)
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

    /** Applies the lane's waiting records in order: decisions in batches, other work on its own between them. */
    private void takeTurn(String lane, String tenantId) {
        Queue<Waiting> queue = waiting.get(lane);
        List<Waiting> batch = new ArrayList<>();
        for (Waiting next = queue.poll(); next != null; next = queue.poll()) {
            if (next.work() instanceof Alone alone) {
                decide(tenantId, batch);
                batch = new ArrayList<>();
                run(next, alone);
            } else {
                batch.add(next);
                if (batch.size() == MAX_BATCH) {
                    decide(tenantId, batch);
                    batch = new ArrayList<>();
                }
            }
        }
        decide(tenantId, batch);
    }

    private void decide(String tenantId, List<Waiting> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<CallDesk.Delivery> deliveries = new ArrayList<>(batch.size());
        for (Waiting w : batch) {
            Decide d = (Decide) w.work();
            deliveries.add(new CallDesk.Delivery(d.deliveryId(), d.input(), d.askingAgent(), w.trace()));
        }
        List<CallDesk.Outcome> outcomes;
        try {
            outcomes = Retry.untilStored(deliveries.size() + " inputs of tenant " + tenantId,
                    () -> desk.handleAll(tenantId, deliveries));
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                // One input cannot be decided: each on its own, so only that one fails.
                batch.forEach(w -> decide(tenantId, List.of(w)));
            } else {
                follow(batch.get(0), null, e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            follow(batch.get(i), outcomes.get(i), null);
        }
    }

    private static void follow(Waiting w, CallDesk.Outcome outcome, RuntimeException failure) {
        try (Scope ignored = w.trace().makeCurrent()) {
            ((Decide) w.work()).then().accept(outcome, failure);
            w.done().complete(null);
        } catch (RuntimeException e) {
            w.done().completeExceptionally(e);
        }
    }

    private static void run(Waiting w, Alone alone) {
        try (Scope ignored = w.trace().makeCurrent()) {
            alone.run().run();
            w.done().complete(null);
        } catch (RuntimeException e) {
            w.done().completeExceptionally(e);
        }
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
