package io.switchboard.gateway.session;

import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.domain.ChangeSequencer;
import io.switchboard.gateway.domain.CommandRateLimit;
import io.switchboard.gateway.domain.ResumeDecision;
import io.switchboard.gateway.domain.SlowClientPolicy;
import io.switchboard.gateway.metrics.GatewayMetrics.ResyncCause;
import io.switchboard.gateway.repository.TenantSnapshot;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.session.OrderedSender.Frame;
import java.time.Instant;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One agent's open socket: the {@link ChangeSequencer} that decides what the client gets next, the
 * {@link OrderedSender} that writes it, and the reasons the gateway may end it (a slow client, silence, an expired
 * token, a deactivated agent).
 *
 * <p>Decisions and queueing happen under one lock, so frames are written in the order they were decided, whichever
 * thread decided them. A "catch-up" is whatever works out the client's starting point (a snapshot read, a resume);
 * each gets a number, and only the newest may release the held changes, so a snapshot read that an overflow or a
 * newer resume overtook is thrown away rather than sent on top of it.
 */
public final class AgentSession {
    private static final Logger LOG = Logger.getLogger(AgentSession.class);
    private static final long NO_TIMER = -1;

    /** What the session needs from the connection it lives on. */
    interface Link {
        Uni<Void> close(CloseReason reason);

        /** Tears the TCP connection down without waiting for the close handshake. */
        void drop();
    }

    private final String connectionId;
    private final AgentIdentity agent;
    private final TenantSessions tenant;
    private final ChangeSequencer sequencer;
    private final Lane lane;
    private final OrderedSender sender;
    private final SlowClientPolicy slowClients;
    private final Link link;
    private final SessionServices services;
    private final Consumer<AgentSession> onEnd;
    private final CommandRateLimit frames;

    // Guarded by this.
    private int catchUp;
    private boolean waitingForDrain;
    private long drainTimer = NO_TIMER;
    private long expiryTimer = NO_TIMER;
    private boolean over;

    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean connectionGone;

    /** @param sender writes on {@code lane} */
    AgentSession(String connectionId, AgentIdentity agent, TenantSessions tenant, Lane lane, OrderedSender sender,
            Link link, SessionServices services, Consumer<AgentSession> onEnd) {
        this.connectionId = connectionId;
        this.agent = agent;
        this.tenant = tenant;
        this.sequencer = new ChangeSequencer(services.config().gateway().maxHeldChanges());
        this.lane = lane;
        this.sender = sender;
        this.slowClients = new SlowClientPolicy(services.config().slowClient().maxResyncs(),
                services.config().slowClient().overflowWindow().toNanos());
        this.link = link;
        this.services = services;
        this.onEnd = onEnd;
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
     * Reads and queues the first snapshot; changes arriving meanwhile are held. Completes once the snapshot is
     * queued, or the connection was closed because it could not be read.
     *
     * @param resync mark it as a resync: the client asked to resume but its {@code since} was unusable
     */
    public Uni<Void> start(boolean resync) {
        return readSnapshot(nextCatchUp(), resync ? ResyncCause.RESUME : null);
    }

    /**
     * Starts a connection opened with {@code ?since=}: the changes after {@code since}, or a resync snapshot. Completes
     * once the first frames are queued (or none are due), so the client's own frames are handled after them.
     */
    public Uni<Void> startFrom(long since) {
        return continueFrom(since, nextCatchUp());
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
        ChangeSequencer.Verdict verdict;
        synchronized (this) {
            if (over) {
                return;
            }
            verdict = sequencer.offer(seq, frame);
            if (verdict == ChangeSequencer.Verdict.DELIVER) {
                sendState(Frame.change(seq, frame), shared);
            }
        }
        if (verdict == ChangeSequencer.Verdict.RESYNC) {
            LOG.debugf("Gap before seq %d for %s; sending a fresh snapshot", seq, agent);
            resync(ResyncCause.GAP);
        }
    }

    /**
     * The client says it has everything up to {@code since} and nothing after: what is still waiting to be written is
     * dropped and it continues from {@code since + 1}. Frames already handed to the connection may still arrive
     * before the replay; their seq tells the client they are duplicates.
     */
    public void resume(long since) {
        int n;
        synchronized (this) {
            if (over || sequencer.isCurrent(since)) {
                return;
            }
            if (!sequencer.requestResync()) {
                // A starting point is already being worked out (a gap, an overflow); it replaces the client's picture.
                return;
            }
            sender.dropWaitingState();
            n = ++catchUp;
        }
        inBackground(continueFrom(since, n));
    }

    /** A frame outside the seq order: the answer to a command. */
    public void reply(String frame) {
        synchronized (this) {
            if (!over) {
                handle(sender.send(Frame.reply(frame)));
            }
        }
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

    /** The seq of the newest change or snapshot written to the client; -1 before the first. */
    public long lastWrittenSeq() {
        return sender.lastWrittenSeq();
    }

    /** Closes the connection when the agent's token expires. */
    void expireAt(Instant expiresAt) {
        long delay = Math.max(1, expiresAt.toEpochMilli() - System.currentTimeMillis());
        synchronized (this) {
            if (!over) {
                expiryTimer = services.vertx().setTimer(delay, id -> end(CloseCause.TOKEN_EXPIRED));
            }
        }
    }

    /**
     * The gateway ends the session: the agent is reported disconnected at once, the client gets the close code and
     * reason, and if it does not answer the close within the close timeout its TCP connection is dropped.
     */
    public void end(CloseCause cause) {
        synchronized (this) {
            if (over) {
                return;
            }
            finish();
        }
        services.metrics().sessionClosed(cause.tag());
        LOG.infof("Closing connection %s of %s: %s (%d)", connectionId, agent, cause.tag(), cause.code());
        onEnd.accept(this);
        link.close(cause.reason()).subscribe().with(closed -> {
        }, failure -> link.drop());
        // A peer that reads nothing never receives the close frame, so the handshake would never end on its own.
        services.vertx().setTimer(services.config().connection().closeTimeout().toMillis(), id -> {
            if (!connectionGone) {
                LOG.debugf("Connection %s did not answer the close; dropping it", connectionId);
                link.drop();
            }
        });
    }

    /** The connection is closed (whoever closed it): stop everything. */
    void connectionClosed() {
        connectionGone = true;
        synchronized (this) {
            if (!over) {
                finish();
            }
        }
    }

    private void finish() {
        over = true;
        cancel(drainTimer);
        cancel(expiryTimer);
        drainTimer = NO_TIMER;
        expiryTimer = NO_TIMER;
        sender.close();
    }

    private synchronized int nextCatchUp() {
        return ++catchUp;
    }

    private void resync(ResyncCause cause) {
        int n;
        synchronized (this) {
            if (over || waitingForDrain) {
                return;
            }
            n = ++catchUp;
        }
        inBackground(readSnapshot(n, cause));
    }

    /** Replay from the tenant's buffer, follow live, or a resync snapshot: see {@link ResumeDecision}. */
    private Uni<Void> continueFrom(long since, int n) {
        // This session is registered before the buffer is asked: a change recorded after that reaches it live.
        ResumeDecision.Plan plan = tenant.plan(since);
        if (plan instanceof ResumeDecision.Replay replay) {
            ChangeSequencer.Release release;
            synchronized (this) {
                if (over || n != catchUp) {
                    return Uni.createFrom().voidItem();
                }
                release = sequencer.resumed(since, replay.changes());
                release.changes().forEach(change -> sendState(Frame.change(change.seq(), change.frame())));
            }
            services.metrics().replayed(replay.changes().size());
            afterRelease(release.next(), since);
            return Uni.createFrom().voidItem();
        }
        ResumeDecision.AskDatabase ask = (ResumeDecision.AskDatabase) plan;
        return services.snapshots().read(agent.tenantId(), true)
                .invoke(snapshot -> {
                    if (ResumeDecision.canFollow(since, ask.streamLast(), snapshot.seq())) {
                        follow(n, since);
                    } else {
                        LOG.debugf("Resume of %s at seq %d not covered (buffered up to %s, database at %d); resync",
                                agent, since, ask.streamLast(), snapshot.seq());
                        snapshotRead(n, snapshot, ResyncCause.RESUME);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(this::snapshotFailed);
    }

    private void follow(int n, long since) {
        ChangeSequencer.Release release;
        synchronized (this) {
            if (over || n != catchUp) {
                return;
            }
            release = sequencer.resumed(since, java.util.List.of());
            release.changes().forEach(change -> sendState(Frame.change(change.seq(), change.frame())));
        }
        afterRelease(release.next(), since);
    }

    private Uni<Void> readSnapshot(int n, ResyncCause cause) {
        return services.snapshots().read(agent.tenantId(), cause != null)
                .invoke(snapshot -> snapshotRead(n, snapshot, cause))
                .replaceWithVoid()
                .onFailure().recoverWithUni(this::snapshotFailed);
    }

    /** @param cause why it is a resync; null for a connection's first snapshot */
    private void snapshotRead(int n, TenantSnapshot snapshot, ResyncCause cause) {
        ChangeSequencer.Release release;
        synchronized (this) {
            if (over || n != catchUp) {
                return;
            }
            release = sequencer.snapshotTaken(snapshot.seq());
            if (release.next() != ChangeSequencer.Next.BEHIND) {
                if (cause != null) {
                    services.metrics().resync(cause);
                }
                sendState(Frame.snapshot(snapshot.seq(), snapshot.frame()));
                release.changes().forEach(change -> sendState(Frame.change(change.seq(), change.frame())));
            }
        }
        afterRelease(release.next(), snapshot.seq());
    }

    private Uni<Void> snapshotFailed(Throwable failure) {
        LOG.warnf("Could not read the snapshot of tenant %s for %s: %s", agent.tenantId(), agent, failure.getMessage());
        end(CloseCause.NO_SNAPSHOT);
        return Uni.createFrom().voidItem();
    }

    private void afterRelease(ChangeSequencer.Next next, long startSeq) {
        switch (next) {
            case LIVE -> {
            }
            case RESYNC -> resync(ResyncCause.GAP);
            case BEHIND -> {
                LOG.warnf("Snapshot of tenant %s at seq %d is older than a change already received; "
                        + "is the gateway reading another database than call-state writes?", agent.tenantId(),
                        startSeq);
                end(CloseCause.BEHIND);
            }
        }
    }

    /** Under the lock. */
    private void sendState(Frame frame) {
        sendState(frame, null);
    }

    /** Under the lock. */
    private void sendState(Frame frame, SharedFrame shared) {
        if (waitingForDrain) {
            // The resync snapshot that follows the drain covers it.
            return;
        }
        handle(sender.send(frame, shared));
    }

    /** Under the lock. */
    private void handle(OrderedSender.Outcome outcome) {
        switch (outcome) {
            case QUEUED -> {
            }
            case OVERFLOWED -> overflowed();
            case FULL -> {
                LOG.infof("Send queue of %s is full of replies alone", agent);
                end(CloseCause.TOO_SLOW);
            }
        }
    }

    /** Under the lock: the waiting changes were dropped. */
    private void overflowed() {
        services.metrics().overflow();
        if (slowClients.overflowed(System.nanoTime()) == SlowClientPolicy.Verdict.CLOSE) {
            end(CloseCause.TOO_SLOW);
            return;
        }
        LOG.debugf("Send queue of %s overflowed; a resync snapshot follows once it drains", agent);
        sequencer.requestResync();
        // Whatever catch-up was under way would land in a queue the client is not emptying.
        catchUp++;
        if (!waitingForDrain) {
            waitingForDrain = true;
            drainTimer = services.vertx().setTimer(services.config().slowClient().drainTimeout().toMillis(),
                    id -> drainTimedOut());
            sender.whenDrained(this::drained);
        }
    }

    private void drained() {
        int n;
        synchronized (this) {
            if (over || !waitingForDrain) {
                return;
            }
            waitingForDrain = false;
            cancel(drainTimer);
            drainTimer = NO_TIMER;
            n = ++catchUp;
        }
        inBackground(readSnapshot(n, ResyncCause.SLOW_CLIENT));
    }

    private void drainTimedOut() {
        synchronized (this) {
            if (over || !waitingForDrain) {
                return;
            }
        }
        LOG.infof("%s did not drain its send queue within %s", agent, services.config().slowClient().drainTimeout());
        end(CloseCause.TOO_SLOW);
    }

    private void cancel(long timer) {
        if (timer != NO_TIMER) {
            services.vertx().cancelTimer(timer);
        }
    }

    /** Runs work nobody waits for; its failures are already handled inside (logged, connection closed). */
    private static void inBackground(Uni<Void> work) {
        work.subscribe().with(done -> {
        }, failure -> LOG.debugf("Background work of a session failed: %s", failure.getMessage()));
    }
}
