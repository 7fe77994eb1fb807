package io.switchboard.gateway.session;

import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.domain.CloseCause;
import io.switchboard.gateway.domain.CommandRateLimit;
import io.switchboard.gateway.domain.ResumeDecision;
import io.switchboard.gateway.domain.ScreenFeed;
import io.switchboard.gateway.domain.ScreenFeed.Effect;
import io.switchboard.gateway.domain.ScreenFeed.Event;
import io.switchboard.gateway.domain.ScreenFeed.Frame;
import io.switchboard.gateway.domain.SlowClientPolicy;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.session.AgentChannel.SharedFrame;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One agent's open socket: the shell around its {@link ScreenFeed}. It hands the feed what happens (changes, the
 * client's resume, snapshots read, the send queue overflowing or draining, timers) and carries out what the feed
 * decides: frames into the {@link OrderedSender}, snapshot reads, the tenant's buffer, timers, the close.
 *
 * <p>Events are handled one at a time under this session's lock, whichever thread they come from, so frames are queued
 * in the order they were decided. What an effect brings back at once (the outcome of queueing a frame, the tenant's
 * plan for a resume) is handed to the feed before the next event; what comes later (a snapshot read, a drain, a timer)
 * comes back as an event of its own. I/O starts once the lock is released.
 */
public final class AgentSession {
    private static final Logger LOG = Logger.getLogger(AgentSession.class);
    private static final long NO_TIMER = -1;

    private final String connectionId;
    private final AgentIdentity agent;
    private final TenantSessions tenant;
    private final Lane lane;
    private final OrderedSender sender;
    private final AgentChannel channel;
    private final SessionServices services;
    private final Consumer<AgentSession> onEnd;
    private final CommandRateLimit frames;

    // Guarded by this.
    private final ScreenFeed feed;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long drainTimer = NO_TIMER;
    private long expiryTimer = NO_TIMER;
    private boolean finished;

    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean connectionGone;

    /** @param sender writes on {@code lane}, into {@code channel} */
    AgentSession(String connectionId, AgentIdentity agent, TenantSessions tenant, Lane lane, OrderedSender sender,
            AgentChannel channel, SessionServices services, Consumer<AgentSession> onEnd) {
        this.connectionId = connectionId;
        this.agent = agent;
        this.tenant = tenant;
        this.lane = lane;
        this.sender = sender;
        this.channel = channel;
        this.services = services;
        this.onEnd = onEnd;
        this.feed = new ScreenFeed(services.config().gateway().maxHeldChanges(),
                new SlowClientPolicy(services.config().slowClient().maxResyncs(),
                        services.config().slowClient().overflowWindow().toNanos()));
        this.frames = new CommandRateLimit(services.config().gateway().commandRate(),
                services.config().gateway().commandBurst(), System.nanoTime());
    }

    /** Whether the client may send another frame now (the per-connection rate limit); counts it if so. */
    public boolean mayAct() {
        return frames.take(System.nanoTime());
    }

    public String connectionId() {
        return connectionId;
    }

    public AgentIdentity agent() {
        return agent;
    }

    /**
     * Reads and queues the first snapshot; changes arriving meanwhile are held. Completes once the snapshot is queued,
     * or the connection was closed because it could not be read.
     *
     * @param resync mark it as a resync: the client asked to resume but its {@code since} was unusable
     */
    public Uni<Void> start(boolean resync) {
        return handle(new ScreenFeed.Open(resync), null);
    }

    /**
     * Starts a connection opened with {@code ?since=}: the changes after {@code since}, or a resync snapshot. Completes
     * once the first frames are queued (or none are due), so the client's own frames are handled after them.
     */
    public Uni<Void> startFrom(long since) {
        return handle(new ScreenFeed.OpenFrom(since), null);
    }

    /** The event loop this session's frames are written on. */
    Lane lane() {
        return lane;
    }

    /**
     * A change of this session's tenant, exactly as it came from Kafka.
     *
     * @param shared its frame encoded once for every connection, or null
     */
    void onChange(long seq, String frame, SharedFrame shared) {
        handle(new ScreenFeed.ChangeArrived(seq, frame), shared);
    }

    /**
     * The client says it has everything up to {@code since} and nothing after: what is still waiting to be written is
     * dropped and it continues from {@code since + 1}. Frames already handed to the connection may still arrive
     * before the replay; their seq tells the client they are duplicates.
     */
    public void resume(long since) {
        handle(new ScreenFeed.ResumeAsked(since), null);
    }

    /** A frame outside the seq order: the answer to a command. */
    public void reply(String frame) {
        handle(new ScreenFeed.Reply(frame), null);
    }

    /**
     * The gateway ends the session: the agent is reported disconnected at once, the client gets the close code and
     * reason, and if it does not answer the close within the close timeout its TCP connection is dropped.
     */
    public void end(CloseCause cause) {
        handle(new ScreenFeed.Ended(cause), null);
    }

    /** The client showed a sign of life: a pong or a frame. */
    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    public long silentNanos(long nowNanos) {
        return nowNanos - lastHeardNanos;
    }

    /** Frames waiting in this connection's send queue. */
    public int queued() {
        return sender.waiting();
    }

    /** The seq of the newest change or snapshot handed to the client's socket; -1 before the first. */
    public long lastWrittenSeq() {
        return sender.lastWrittenSeq();
    }

    /** Closes the connection when the agent's token expires. */
    void expireAt(Instant expiresAt) {
        long delay = Math.max(1, expiresAt.toEpochMilli() - System.currentTimeMillis());
        synchronized (this) {
            if (!finished) {
                expiryTimer = services.vertx().setTimer(delay, id -> end(CloseCause.TOKEN_EXPIRED));
            }
        }
    }

    /** The connection is closed (whoever closed it): stop everything. */
    void connectionClosed() {
        connectionGone = true;
        handle(new ScreenFeed.ConnectionClosed(), null);
    }

    /**
     * Hands the feed {@code event}, then what its effects bring back at once, and carries the effects out.
     *
     * @param shared the frame of a {@link ScreenFeed.ChangeArrived} encoded once for every connection, or null
     * @return completes when the snapshot reads the effects started are read and handled
     */
    private Uni<Void> handle(Event event, SharedFrame shared) {
        Io io = null;
        synchronized (this) {
            events.add(event);
            Event next;
            while ((next = events.poll()) != null) {
                for (Effect effect : feed.on(next)) {
                    io = carryOut(effect, next == event ? shared : null, io);
                }
                if (next instanceof ScreenFeed.Drained || next instanceof ScreenFeed.DrainTimedOut) {
                    cancel(drainTimer);
                    drainTimer = NO_TIMER;
                } else if (next instanceof ScreenFeed.ConnectionClosed) {
                    finish();
                }
            }
        }
        if (io == null) {
            return Uni.createFrom().voidItem();
        }
        io.later.forEach(Runnable::run);
        return Uni.createFrom().completionStage(io.read);
    }

    /** What effects start once the lock is released, and the read the caller may wait for. */
    private static final class Io {
        final List<Runnable> later = new ArrayList<>(2);
        CompletableFuture<Void> read = CompletableFuture.completedFuture(null);
    }

    /** Under the lock. */
    private Io carryOut(Effect effect, SharedFrame shared, Io io) {
        if (effect instanceof ScreenFeed.Send send) {
            send(send.frames(), shared);
        } else if (effect instanceof ScreenFeed.PlanResume plan) {
            // Asked now, under the lock: every change recorded in the buffer after this reaches the feed afterwards.
            events.add(new ScreenFeed.ResumePlanned(plan.catchUp(),
                    ResumeDecision.forScreen(tenant.plan(plan.since()), agent.supervisor())));
        } else if (effect instanceof ScreenFeed.ReadSnapshot read) {
            io = io != null ? io : new Io();
            CompletableFuture<Void> done = new CompletableFuture<>();
            io.read = done;
            io.later.add(() -> readSnapshot(read, done));
        } else if (effect instanceof ScreenFeed.DropWaiting) {
            sender.dropWaitingState();
        } else if (effect instanceof ScreenFeed.AwaitDrain) {
            drainTimer = services.vertx().setTimer(services.config().slowClient().drainTimeout().toMillis(),
                    id -> handle(new ScreenFeed.DrainTimedOut(), null));
            sender.whenDrained(() -> handle(new ScreenFeed.Drained(), null));
        } else if (effect instanceof ScreenFeed.Close close) {
            finish();
            io = io != null ? io : new Io();
            io.later.add(() -> close(close.cause()));
        } else if (effect instanceof ScreenFeed.Resynced resynced) {
            services.metrics().resync(resynced.cause());
        } else if (effect instanceof ScreenFeed.Replayed replayed) {
            services.metrics().replayed(replayed.changes());
        }
        return io;
    }

    /**
     * Under the lock. Queues the frames decided together; when one overflows the queue, the state frames after it go
     * too, as the ones waiting did: the resync that follows covers them.
     *
     * @param shared the fan-out's encoding of the change these frames were decided for (a change decides one frame:
     *        itself)
     */
    private void send(List<Frame> frames, SharedFrame shared) {
        for (Frame frame : frames) {
            switch (sender.send(frame, shared != null && frame.state() ? shared : null)) {
                case QUEUED -> {
                }
                case OVERFLOWED -> {
                    services.metrics().overflow();
                    events.add(new ScreenFeed.Overflowed(System.nanoTime()));
                    return;
                }
                case FULL -> {
                    LOG.infof("Send queue of %s is full of replies alone", agent);
                    events.add(new ScreenFeed.FullOfReplies());
                    return;
                }
            }
        }
    }

    private void readSnapshot(ScreenFeed.ReadSnapshot read, CompletableFuture<Void> done) {
        services.snapshots().read(agent.tenantId(), agent.supervisor(), read.resync()).subscribe().with(
                snapshot -> handleThen(new ScreenFeed.SnapshotRead(read.catchUp(), snapshot.seq(), snapshot.frame()),
                        done),
                failure -> {
                    LOG.warnf("Could not read the snapshot of tenant %s for %s: %s", agent.tenantId(), agent,
                            failure.getMessage());
                    handleThen(new ScreenFeed.SnapshotFailed(read.catchUp()), done);
                });
    }

    /** Handles {@code event}, then completes {@code done} once whatever it started is done too. */
    private void handleThen(Event event, CompletableFuture<Void> done) {
        handle(event, null).subscribe().with(ok -> done.complete(null), done::completeExceptionally);
    }

    /** Under the lock: nothing more is timed or written. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        cancel(drainTimer);
        cancel(expiryTimer);
        drainTimer = NO_TIMER;
        expiryTimer = NO_TIMER;
        sender.close();
    }

    private void close(CloseCause cause) {
        services.metrics().sessionClosed(cause.tag());
        if (cause == CloseCause.BEHIND) {
            LOG.warnf("Snapshot of tenant %s is older than a change already received; is the gateway reading another "
                    + "database than call-state writes?", agent.tenantId());
        }
        LOG.infof("Closing connection %s of %s: %s (%d)", connectionId, agent, cause.tag(), cause.code());
        onEnd.accept(this);
        channel.close(cause).subscribe().with(closed -> {
        }, failure -> channel.drop());
        // A peer that reads nothing never receives the close frame, so the handshake would never end on its own.
        services.vertx().setTimer(services.config().connection().closeTimeout().toMillis(), id -> {
            if (!connectionGone) {
                LOG.debugf("Connection %s did not answer the close; dropping it", connectionId);
                channel.drop();
            }
        });
    }

    private void cancel(long timer) {
        if (timer != NO_TIMER) {
            services.vertx().cancelTimer(timer);
        }
    }
}
