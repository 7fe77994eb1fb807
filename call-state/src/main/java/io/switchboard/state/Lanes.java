package io.switchboard.state;

import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Work in lanes: what is given for one key (a tenant, a call) runs one piece after the other, in the order given;
 * different keys run side by side on a shared pool. A key's lane exists only while it has work.
 *
 * <p>Hand-made because neither SmallRye Reactive Messaging nor Mutiny orders by key with keys in parallel: a Kafka
 * partition is the unit of order there, and many tenants share one partition. Work only chains on a future, so a
 * lane waiting for its turn holds no thread.
 */
public final class Lanes {
    private final Executor pool;
    private final ConcurrentHashMap<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    public Lanes(Executor pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code work} on the pool after everything given before for {@code key}, whatever that came to, in the
     * trace context it was given in.
     */
    public <T> CompletableFuture<T> run(String key, Supplier<T> given) {
        Supplier<T> work = Context.current().wrapSupplier(given);
        @SuppressWarnings("unchecked")
        CompletableFuture<T>[] mine = new CompletableFuture[1];
        tails.compute(key, (k, tail) -> {
            mine[0] = tail == null ? CompletableFuture.supplyAsync(work, pool)
                    : tail.handle((result, failure) -> null).thenApplyAsync(ignored -> work.get(), pool);
            return mine[0];
        });
        mine[0].whenComplete((result, failure) -> tails.remove(key, mine[0]));
        return mine[0];
    }

    /** Keys with work given or running: how many lanes are open. */
    public int open() {
        return tails.size();
    }
}
