package io.switchboard.ingest;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Brings a result that completes on another thread (a shared PostgreSQL query, the journal's writer) back to the Vert.x
 * context of the webhook that asked for it, so each webhook goes on on its own event loop.
 */
public final class CallerContext {
    private CallerContext() {
    }

    /** {@code result}, emitted on the calling thread's Vert.x context; as it is when called off any context. */
    public static <T> Uni<T> backOnCaller(Uni<T> result) {
        Context context = Vertx.currentContext();
        return context == null ? result : result.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
