package io.switchboard.gateway.session;

import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.domain.ChangeSequencer;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.repository.SnapshotRepository;
import io.switchboard.gateway.repository.TenantSnapshot;
import io.switchboard.gateway.security.AgentIdentity;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One agent's open socket: the {@link ChangeSequencer} that decides what the client gets next and the
 * {@link OrderedSender} that writes it. Decisions and queueing happen under one lock, so frames are written in the
 * order they were decided, whichever thread decided them.
 */
public final class AgentSession {
    private static final Logger LOG = Logger.getLogger(AgentSession.class);
    private static final CloseReason TOO_SLOW = new CloseReason(1008,
            "Too many frames waiting; reconnect to get a fresh snapshot.");
    private static final CloseReason NO_SNAPSHOT = new CloseReason(1011,
            "The live picture could not be read; reconnect in a moment.");
    private static final CloseReason BEHIND = new CloseReason(1011,
            "The live picture is behind the change stream; reconnect in a moment.");

    private final String connectionId;
    private final AgentIdentity agent;
    private final ChangeSequencer sequencer;
    private final OrderedSender sender;
    private final SnapshotRepository snapshots;
    private final GatewayMetrics metrics;
    private final Function<CloseReason, Uni<Void>> closer;

    AgentSession(String connectionId, AgentIdentity agent, ChangeSequencer sequencer, OrderedSender sender,
            SnapshotRepository snapshots, GatewayMetrics metrics, Function<CloseReason, Uni<Void>> closer) {
        this.connectionId = connectionId;
        this.agent = agent;
        this.sequencer = sequencer;
        this.sender = sender;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.closer = closer;
    }

    public String connectionId() {
        return connectionId;
    }

    public AgentIdentity agent() {
        return agent;
    }

    /**
     * Reads and queues the first snapshot; changes arriving meanwhile are held by the sequencer. Completes once the
     * snapshot is queued, or the connection was closed because it could not be read.
     */
    public Uni<Void> start() {
        return readSnapshot();
    }

    /** A change of this session's tenant, exactly as it came from Kafka. */
    public void onChange(long seq, String frame) {
        ChangeSequencer.Verdict verdict;
        synchronized (this) {
            verdict = sequencer.offer(seq, frame);
            if (verdict == ChangeSequencer.Verdict.DELIVER) {
                send(frame);
            }
        }
        if (verdict == ChangeSequencer.Verdict.RESYNC) {
            LOG.debugf("Gap before seq %d for %s; sending a fresh snapshot", seq, agent);
            resync();
        }
    }

    /**
     * The client has everything up to {@code seq}. For now a client that is not exactly there gets a fresh snapshot;
     * replaying the missed changes from call-state's outbox is a later issue.
     */
    public void resume(long seq) {
        boolean resync;
        synchronized (this) {
            resync = !sequencer.isCurrent(seq) && sequencer.requestResync();
        }
        if (resync) {
            resync();
        }
    }

    /** A frame outside the seq order: the answer to a command. */
    public void reply(String frame) {
        synchronized (this) {
            send(frame);
        }
    }

    void close() {
        sender.close();
    }

    private void resync() {
        metrics.resync();
        inBackground(readSnapshot());
    }

    private Uni<Void> readSnapshot() {
        return snapshots.read(agent.tenantId())
                .onItem().transformToUni(snapshot -> {
                    snapshotRead(snapshot);
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Could not read the snapshot of tenant %s for %s: %s", agent.tenantId(), agent,
                            failure.getMessage());
                    return disconnect(NO_SNAPSHOT);
                });
    }

    private void snapshotRead(TenantSnapshot snapshot) {
        ChangeSequencer.AfterSnapshot after;
        synchronized (this) {
            after = sequencer.snapshotTaken(snapshot.seq());
            if (after.next() != ChangeSequencer.Next.BEHIND) {
                send(snapshot.frame());
                after.frames().forEach(this::send);
            }
        }
        switch (after.next()) {
            case LIVE -> {
            }
            case RESYNC -> resync();
            case BEHIND -> {
                LOG.warnf("Snapshot of tenant %s at seq %d is older than a change already received; "
                        + "is the gateway reading another database than call-state writes?", agent.tenantId(),
                        snapshot.seq());
                inBackground(disconnect(BEHIND));
            }
        }
    }

    private void send(String frame) {
        if (!sender.send(frame)) {
            LOG.infof("Disconnecting %s: too many frames waiting for a slow client", agent);
            inBackground(disconnect(TOO_SLOW));
        }
    }

    private Uni<Void> disconnect(CloseReason reason) {
        sender.close();
        return closer.apply(reason).onFailure().recoverWithNull();
    }

    /** Runs work nobody waits for; its failures are already handled inside (logged, connection closed). */
    private static void inBackground(Uni<Void> work) {
        work.subscribe().with(done -> {
        }, failure -> LOG.debugf("Background work of a session failed: %s", failure.getMessage()));
    }
}
