package io.switchboard.gateway.session;

import io.switchboard.gateway.domain.ScreenFeed.Frame;
import io.switchboard.gateway.session.AgentChannel.SharedFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Writes one connection's frames in exactly the order they were queued, with the socket's own back-pressure.
 *
 * <p>Why it exists: frames for one connection come from several threads (the fan-out, a snapshot read, a command
 * reply), and a write made from a foreign thread reaches the connection's event loop later than one made on it, so
 * without this two frames could overtake each other. Every write here happens on one loop (the connection's event
 * loop), in queue order.
 *
 * <p>Back-pressure is the channel's writability: while Netty's outbound buffer for the socket is under its high water
 * mark, a frame goes straight into the channel; once it is over (the client reads slower than it is written to),
 * frames wait here, at most {@code maxQueued}, and go on when the channel says it is writable again. They wait here
 * rather than in Netty's buffer because what is handed to the channel cannot be taken back, and a client that falls
 * too far behind has its waiting state frames (changes, snapshots) replaced by a fresh snapshot: when a frame finds the
 * queue full they are dropped ({@link Outcome#OVERFLOWED}). Answers to commands are kept, since nothing else would tell
 * the client about them; if they alone fill the queue the sender gives up ({@link Outcome#FULL}).
 *
 * <p>Nothing waits for a write to complete: a write that fails closes the channel, and the connection's close handler
 * cleans up. Writes are flushed once per batch of the fan-out ({@link Loop#flushSoon}) or per drain of the queue.
 */
public final class OrderedSender {

    /** Where a connection's writes run: its event loop. */
    public interface Loop extends Executor {
        /** Whether the calling thread is this loop's: a write started now is in order, without a task. */
        boolean isCurrent();

        /** {@code sender} wrote without flushing: flush it now, or with the rest of the batch this loop is writing. */
        void flushSoon(OrderedSender sender);
    }

    /** The connection's socket. Every method but {@link #writable} and {@link #onWritable} is called on its loop. */
    public interface Transport {
        /** Whether the socket takes more now: what was handed to it and not yet sent is under its high water mark. */
        boolean writable();

        /**
         * Hands the socket a frame, without flushing.
         *
         * @param shared the same frame encoded once for many connections, or null
         * @return false when the WebSocket is closed (a close frame was sent or received): nothing may follow a close
         */
        boolean write(String frame, SharedFrame shared);

        /** Sends what was handed over. */
        void flush();

        /** {@code listener} is told, on the loop, each time the socket becomes writable again. */
        void onWritable(Runnable listener);
    }

    public enum Outcome {
        /** Written or queued (or dropped quietly because the sender is closed: the connection is going away). */
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
    private boolean drainScheduled;
    private boolean closed;
    /** Loop thread only: something was handed to the socket and not flushed yet. */
    private boolean unflushed;
    private volatile long lastWrittenSeq = -1;

    /**
     * @param loop runs the writes; one thread at a time (the connection's event loop)
     * @param transport the connection's socket
     */
    public OrderedSender(Loop loop, Transport transport, int maxQueued) {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, was " + maxQueued);
        }
        this.loop = loop;
        this.transport = transport;
        this.maxQueued = maxQueued;
        transport.onWritable(this::writableAgain);
    }

    /** Queues a frame behind every frame queued before it. */
    public Outcome send(Frame frame) {
        return send(frame, null);
    }

    /**
     * Queues a frame behind every frame queued before it.
     *
     * @param shared the same frame encoded once for every connection, written as it is when the frame goes out at once;
     *        null to encode it for this connection
     */
    public Outcome send(Frame frame, SharedFrame shared) {
        Outcome outcome = Outcome.QUEUED;
        synchronized (this) {
            if (closed) {
                return Outcome.QUEUED;
            }
            // On the loop (the fan-out hands a change to each loop once), with nothing waiting and room in the socket:
            // writing it now keeps the order and saves a task and a copy.
            if (queue.isEmpty() && !drainScheduled && loop.isCurrent() && writable()) {
                boolean flushDue = !unflushed;
                if (write(frame, shared) && flushDue) {
                    loop.flushSoon(this);
                }
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
            if (drainScheduled || loop.isCurrent() && !transport.writable()) {
                // A drain is coming, or the socket tells this loop when it takes more.
                return outcome;
            }
            drainScheduled = true;
        }
        loop.execute(this::drain);
        return outcome;
    }

    /** Drops the waiting state frames (a resume replaces them); replies stay. */
    public synchronized void dropWaitingState() {
        queue.removeIf(Frame::state);
    }

    /**
     * Runs {@code action} on the loop once every frame queued so far is handed to the socket and the socket takes more
     * (at the next drain if that is already so). Never runs after {@link #close()}.
     */
    public void whenDrained(Runnable action) {
        synchronized (this) {
            if (closed) {
                return;
            }
            whenDrained.add(action);
            if (drainScheduled) {
                return;
            }
            drainScheduled = true;
        }
        loop.execute(this::drain);
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

    /** Frames waiting to be handed to the socket. */
    public synchronized int waiting() {
        return queue.size();
    }

    /** The seq of the newest state frame handed to the socket; -1 before the first. */
    public long lastWrittenSeq() {
        return lastWrittenSeq;
    }

    /** On the loop: sends what was handed to the socket. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            transport.flush();
        }
    }

    /** On the loop: the socket takes more again. A task, because Netty says so in the middle of a flush. */
    private void writableAgain() {
        synchronized (this) {
            if (closed || drainScheduled || queue.isEmpty() && whenDrained.isEmpty()) {
                return;
            }
            drainScheduled = true;
        }
        loop.execute(this::drain);
    }

    private void drain() {
        List<Runnable> drained = List.of();
        synchronized (this) {
            drainScheduled = false;
            while (!closed && !queue.isEmpty() && writable()) {
                write(queue.poll(), null);
            }
            flush();
            if (!closed && queue.isEmpty() && !whenDrained.isEmpty() && transport.writable()) {
                drained = new ArrayList<>(whenDrained);
                whenDrained.clear();
            }
        }
        drained.forEach(Runnable::run);
    }

    /** On the loop, under the lock. Whether the socket takes more, once what this sender handed it is flushed. */
    private boolean writable() {
        if (transport.writable()) {
            return true;
        }
        // What a batch handed over unflushed counts against the water mark too: send it, and ask again.
        flush();
        return transport.writable();
    }

    /** On the loop, under the lock. @return false when the connection is closed (and so is this sender now) */
    private boolean write(Frame frame, SharedFrame shared) {
        if (!transport.write(frame.text(), shared)) {
            close();
            return false;
        }
        unflushed = true;
        if (frame.state() && frame.seq() > lastWrittenSeq) {
            lastWrittenSeq = frame.seq();
        }
        return true;
    }
}
