package io.switchboard.gateway.session;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Writes one connection's frames in exactly the order they were queued.
 *
 * <p>Why it exists: websockets-next sends are asynchronous, and Vert.x hands a write made from a foreign thread to
 * the connection's event loop later, while a write made on the event loop goes out at once. Frames for one
 * connection come from several threads (the Kafka consumer, a snapshot read, a command reply), so without this two
 * changes could overtake each other. Here every write happens on one executor (the connection's event loop), a batch
 * at a time; the next batch starts once the previous one is written, which also bounds what a slow client can pile
 * up: past {@code maxQueued} waiting frames {@link #send} refuses and the caller disconnects the client.
 */
public final class OrderedSender {
    private final Executor executor;
    private final Function<String, Uni<Void>> transport;
    private final int maxQueued;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;

    /**
     * @param executor runs the writes; one thread at a time (the connection's event loop)
     * @param transport writes one frame; the Uni completes when it is written
     */
    public OrderedSender(Executor executor, Function<String, Uni<Void>> transport, int maxQueued) {
        this.executor = executor;
        this.transport = transport;
        this.maxQueued = maxQueued;
    }

    /**
     * Queues a frame behind every frame queued before it. After {@link #close()} frames are dropped: the
     * connection is going away.
     *
     * @return false when this frame found {@code maxQueued} frames waiting: the client is too slow, the sender has
     *         closed itself and the caller should disconnect the client
     */
    public boolean send(String frame) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (queue.size() >= maxQueued) {
                close();
                return false;
            }
            queue.add(frame);
            if (draining) {
                return true;
            }
            draining = true;
        }
        executor.execute(this::drain);
        return true;
    }

    /** Drops what is waiting and refuses further frames (the connection is closing). */
    public synchronized void close() {
        closed = true;
        queue.clear();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized int waiting() {
        return queue.size();
    }

    private void drain() {
        List<String> batch;
        synchronized (this) {
            if (closed || queue.isEmpty()) {
                draining = false;
                return;
            }
            batch = new ArrayList<>(queue);
            queue.clear();
        }
        // Subscribing starts the write, so the frames enter the connection in this loop's order.
        AtomicInteger unwritten = new AtomicInteger(batch.size());
        for (String frame : batch) {
            transport.apply(frame).subscribe().with(
                    written -> batchProgress(unwritten),
                    failure -> {
                        // The connection is gone or going; its close handler cleans up.
                        close();
                        batchProgress(unwritten);
                    });
        }
    }

    private void batchProgress(AtomicInteger unwritten) {
        if (unwritten.decrementAndGet() == 0) {
            // Through the executor, not a direct call: writes may complete synchronously, and a long backlog
            // must not become a deep stack.
            executor.execute(this::drain);
        }
    }
}
