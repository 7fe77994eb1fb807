package io.switchboard.gateway.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes one connection's frames in exactly the order they were queued, through a bounded queue.
 *
 * <p>Why it exists: writes are asynchronous, and a write made from a foreign thread reaches the connection's event
 * loop later, while a write made on the event loop goes out at once. Frames for one connection come from several
 * threads (the Kafka consumer, a snapshot read, a command reply), so without this two changes could overtake each
 * other. Here every write happens on one loop (the connection's event loop), a batch at a time; the next batch
 * starts once the previous one is written. A client that does not read stops its writes from completing, so its
 * frames wait here, and only here: at most {@code maxQueued} wait, plus one batch handed to the connection.
 *
 * <p>When a frame finds the queue full, the state frames (changes, snapshots) are dropped: the client is going to get
 * a fresh snapshot anyway ({@link Outcome#OVERFLOWED}). Answers to commands are kept, since nothing else would tell
 * the client about them; if they alone fill the queue the sender gives up ({@link Outcome#FULL}).
 */
public final class OrderedSender {

    /** A frame to write. {@code state} frames (changes, snapshots) can be replaced by a resync; replies cannot. */
    public record Frame(String text, long seq, boolean state) {
        public static Frame change(long seq, String text) {
            return new Frame(text, seq, true);
        }

        public static Frame snapshot(long seq, String text) {
            return new Frame(text, seq, true);
        }

        public static Frame reply(String text) {
            return new Frame(text, -1, false);
        }
    }

    /** Where a connection's writes run: its event loop. */
    public interface Loop extends Executor {
        /** Whether the calling thread is this loop's: a write started now is in order, without a task. */
        boolean isCurrent();

        static Loop of(Executor executor, java.util.function.BooleanSupplier isCurrent) {
            return new Loop() {
                @Override
                public void execute(Runnable task) {
                    executor.execute(task);
                }

                @Override
                public boolean isCurrent() {
                    return isCurrent.getAsBoolean();
                }
            };
        }
    }

    /** Writes one frame to the connection. */
    @FunctionalInterface
    public interface Transport {
        /**
         * Starts writing {@code frame}; {@code written} is told once, with null when the frame is written (possibly
         * before this returns), or with why it was not.
         */
        void write(String frame, Consumer<Throwable> written);
    }

    public enum Outcome {
        /** Queued (or dropped quietly because the sender is closed: the connection is going away). */
        QUEUED,
        /** The queue was full: every waiting state frame was dropped (this one too, if it is one). */
        OVERFLOWED,
        /** Full of replies alone: the sender closed itself; the caller should close the connection. */
        FULL
    }

    private final Loop loop;
    private final Transport transport;
    private final int maxQueued;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private final List<Runnable> whenDrained = new ArrayList<>();
    private boolean draining;
    private boolean closed;
    private volatile long lastWrittenSeq = -1;

    /**
     * @param loop runs the writes; one thread at a time (the connection's event loop)
     * @param transport writes one frame
     */
    public OrderedSender(Loop loop, Transport transport, int maxQueued) {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, was " + maxQueued);
        }
        this.loop = loop;
        this.transport = transport;
        this.maxQueued = maxQueued;
    }

    /** Queues a frame behind every frame queued before it. */
    public Outcome send(Frame frame) {
        Outcome outcome = Outcome.QUEUED;
        synchronized (this) {
            if (closed) {
                return Outcome.QUEUED;
            }
            if (queue.size() >= maxQueued) {
                queue.removeIf(Frame::state);
                outcome = Outcome.OVERFLOWED;
                if (frame.state()) {
                    return outcome;
                }
                if (queue.size() >= maxQueued) {
                    close();
                    return Outcome.FULL;
                }
            }
            queue.add(frame);
            if (draining) {
                return outcome;
            }
            draining = true;
        }
        // On the loop already (the fan-out hands a change to each loop once, see Sessions.deliver): nothing is
        // being written and nothing waits before this frame, so writing it now keeps the order and saves a task.
        if (loop.isCurrent()) {
            drain();
        } else {
            loop.execute(this::drain);
        }
        return outcome;
    }

    /** The loop this connection's frames are written on. */
    public Loop loop() {
        return loop;
    }

    /** Drops the waiting state frames (a resume replaces them); replies stay. */
    public synchronized void dropWaitingState() {
        queue.removeIf(Frame::state);
    }

    /**
     * Runs {@code action} on the loop once every frame queued so far is written and nothing waits (at once if
     * that is already so). Never runs after {@link #close()}.
     */
    public void whenDrained(Runnable action) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (draining) {
                whenDrained.add(action);
                return;
            }
        }
        loop.execute(action);
    }

    /** Drops what is waiting and refuses further frames (the connection is closing). */
    public synchronized void close() {
        closed = true;
        queue.clear();
        whenDrained.clear();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frames waiting to be handed to the connection (not counting the batch being written). */
    public synchronized int waiting() {
        return queue.size();
    }

    /** The seq of the newest state frame written to the connection; -1 before the first. */
    public long lastWrittenSeq() {
        return lastWrittenSeq;
    }

    private void drain() {
        List<Frame> batch;
        List<Runnable> drained = List.of();
        synchronized (this) {
            if (closed || queue.isEmpty()) {
                draining = false;
                if (!closed && !whenDrained.isEmpty()) {
                    drained = new ArrayList<>(whenDrained);
                    whenDrained.clear();
                }
                batch = null;
            } else {
                batch = new ArrayList<>(queue);
                queue.clear();
            }
        }
        if (batch == null) {
            drained.forEach(Runnable::run);
            return;
        }
        // Frames enter the connection in this loop's order.
        AtomicInteger unwritten = new AtomicInteger(batch.size());
        for (Frame frame : batch) {
            transport.write(frame.text(), failure -> {
                if (failure != null) {
                    // The connection is gone or going; its close handler cleans up.
                    close();
                } else if (frame.state() && frame.seq() > lastWrittenSeq) {
                    lastWrittenSeq = frame.seq();
                }
                batchProgress(unwritten);
            });
        }
    }

    private void batchProgress(AtomicInteger unwritten) {
        if (unwritten.decrementAndGet() == 0) {
            synchronized (this) {
                if (queue.isEmpty() && whenDrained.isEmpty()) {
                    // The common case, settled here rather than by one more task per connection and change.
                    draining = false;
                    return;
                }
            }
            // Through the loop, not a direct call: writes may complete synchronously, and a long backlog must not
            // become a deep stack.
            loop.execute(this::drain);
        }
    }
}
