package io.switchboard.gateway.session;

import io.switchboard.gateway.domain.CloseCause;
import io.switchboard.gateway.session.AgentChannel.SharedFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One event loop as the fan-out sees it: the changes waiting to be handed to the sessions it serves, and the
 * connections written to since the last flush.
 *
 * <p>Changes are handed to a loop in batches: one task takes every change that arrived since the last one, hands each
 * to its sessions in order, and flushes each connection written to once at the end. When changes come one at a time,
 * each is its own batch and is flushed at once; when they come together (a burst, a loop that fell behind), several go
 * out in one flush, one syscall, as Centrifugo batches its writes.
 */
final class Lane implements OrderedSender.Loop {
    private static final Logger LOG = Logger.getLogger(Lane.class);
    /** At most this many changes a task, so a burst does not keep the loop from its sockets' reads and pings. */
    static final int MAX_BATCH = 64;

    /**
     * One change for the sessions of one tenant on this loop: its frame for supervisors' screens, and for the others
     * (the same but for a wallboard change).
     */
    private record Delivery(Collection<AgentSession> sessions, long seq, String frame, SharedFrame shared,
            String othersFrame, SharedFrame othersShared) {
    }

    private final Executor executor;
    private final BooleanSupplier isCurrent;
    private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    // Loop thread only.
    private final List<OrderedSender> unflushed = new ArrayList<>();
    private boolean batching;

    Lane(Executor executor, BooleanSupplier isCurrent) {
        this.executor = executor;
        this.isCurrent = isCurrent;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public boolean isCurrent() {
        return isCurrent.getAsBoolean();
    }

    /**
     * Hands a change to {@code sessions} (all served by this loop) on this loop, after every change handed to it
     * before.
     *
     * @param shared the change's frame, or null when each connection sends its own; held until handed out
     * @param othersFrame the change's frame for screens that are not a supervisor's
     * @param othersShared its encoding (the same as {@code shared} when the frames are the same), or null
     */
    void deliver(Collection<AgentSession> sessions, long seq, String frame, SharedFrame shared, String othersFrame,
            SharedFrame othersShared) {
        deliveries.add(new Delivery(sessions, seq, frame, shared == null ? null : shared.retain(), othersFrame,
                othersShared == null || othersShared == shared ? othersShared : othersShared.retain()));
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    @Override
    public void flushSoon(OrderedSender sender) {
        if (batching) {
            unflushed.add(sender);
        } else {
            sender.flush();
        }
    }

    private void run() {
        batching = true;
        try {
            Delivery delivery;
            for (int n = 0; n < MAX_BATCH && (delivery = deliveries.poll()) != null; n++) {
                handOut(delivery);
            }
        } finally {
            batching = false;
            unflushed.forEach(OrderedSender::flush);
            unflushed.clear();
        }
        scheduled.set(false);
        // A change added after the last poll found the task still scheduled: run again for it.
        if (!deliveries.isEmpty() && scheduled.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    private void handOut(Delivery delivery) {
        try {
            for (AgentSession session : delivery.sessions()) {
                handOver(session, delivery);
            }
        } finally {
            if (delivery.shared() != null) {
                delivery.shared().release();
            }
            if (delivery.othersShared() != null && delivery.othersShared() != delivery.shared()) {
                delivery.othersShared().release();
            }
        }
    }

    /** One session's failure must not keep the change from the sessions after it on the same loop. */
    private static void handOver(AgentSession session, Delivery delivery) {
        try {
            if (session.agent().supervisor()) {
                session.onChange(delivery.seq(), delivery.frame(), delivery.shared());
            } else {
                session.onChange(delivery.seq(), delivery.othersFrame(), delivery.othersShared());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Change seq %d could not be handed to connection %s of %s; closing it so the client resyncs",
                    delivery.seq(), session.connectionId(), session.agent());
            session.end(CloseCause.FAILED);
        }
    }
}
