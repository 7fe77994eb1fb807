package io.switchboard.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.gateway.domain.ResyncCause;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own meters. The gauges that read live state (open connections, send queues, lag) are registered by
 * {@code Sessions}, which holds that state.
 */
@ApplicationScoped
public class GatewayMetrics {
    public static final String CONNECTIONS = "switchboard.gateway.connections";
    public static final String FRAMES_SENT = "switchboard.gateway.frames.sent";
    public static final String RESYNCS = "switchboard.gateway.resyncs";
    public static final String REPLAYS = "switchboard.gateway.replays";
    public static final String REPLAYED_CHANGES = "switchboard.gateway.replayed.changes";
    public static final String OVERFLOWS = "switchboard.gateway.send.overflows";
    public static final String SESSIONS_CLOSED = "switchboard.gateway.sessions.closed";
    public static final String PRESENCE_REPORTS = "switchboard.gateway.presence.reports";
    public static final String ACCESS_CHECKS_FAILED = "switchboard.gateway.access.checks.failed";
    public static final String COMMANDS = "switchboard.gateway.commands";
    public static final String QUEUE_MAX = "switchboard.gateway.client.queue.max";
    public static final String QUEUED = "switchboard.gateway.client.queued";
    public static final String LAG_MAX = "switchboard.gateway.client.lag.max";
    public static final String CHANGE_DELAY = "switchboard.gateway.change.delay";

    private final MeterRegistry registry;
    private final Counter framesSent;
    private final Counter replays;
    private final Counter replayedChanges;
    private final Counter overflows;
    private final Counter accessChecksFailed;
    private final Timer changeDelay;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.framesSent = Counter.builder(FRAMES_SENT).description("Frames written to agent sockets")
                .register(registry);
        this.replays = Counter.builder(REPLAYS)
                .description("Resumes answered from the tenant's buffer of recent changes").register(registry);
        this.replayedChanges = Counter.builder(REPLAYED_CHANGES)
                .description("Changes sent again to resuming clients").register(registry);
        this.overflows = Counter.builder(OVERFLOWS)
                .description("Send queues that overflowed (their waiting changes dropped)").register(registry);
        this.accessChecksFailed = Counter.builder(ACCESS_CHECKS_FAILED)
                .description("Tenants whose agents could not be rechecked in Postgres (connections kept)")
                .register(registry);
        this.changeDelay = Timer.builder(CHANGE_DELAY)
                .description("From call-state's relay sending a change to this gateway queueing it for every screen")
                .publishPercentileHistogram().register(registry);
        for (ResyncCause cause : ResyncCause.values()) {
            resyncCounter(cause);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void frameSent() {
        framesSent.increment();
    }

    public void resync(ResyncCause cause) {
        resyncCounter(cause).increment();
    }

    public void replayed(int changes) {
        replays.increment();
        replayedChanges.increment(changes);
    }

    public void overflow() {
        overflows.increment();
    }

    public void accessCheckFailed() {
        accessChecksFailed.increment();
    }

    /** @param reason the close cause's tag: too_slow, no_pong, token_expired, deactivated, … */
    public void sessionClosed(String reason) {
        Counter.builder(SESSIONS_CLOSED).description("Connections the gateway closed, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * @param type connected, disconnected or heartbeat
     * @param outcome stored (Kafka acknowledged it) or failed
     */
    public void presenceReport(String type, String outcome) {
        Counter.builder(PRESENCE_REPORTS).description("Presence reports published to call-state, by outcome")
                .tag("type", type).tag("outcome", outcome).register(registry).increment();
    }

    /**
     * @param type claim, park, retrieve, hangup, status, or invalid for a frame that could not be read
     * @param outcome ack or the error code the client got
     */
    public void command(String type, String outcome) {
        Counter.builder(COMMANDS).description("Agent commands by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry).increment();
    }

    /**
     * A change reached this gateway and was handed to the event loops of its tenant's sessions.
     *
     * @param sentAtMillis when call-state's relay sent it (the Kafka record's timestamp)
     */
    public void changeArrived(long sentAtMillis) {
        if (sentAtMillis > 0) {
            changeDelay.record(Math.max(0, System.currentTimeMillis() - sentAtMillis), TimeUnit.MILLISECONDS);
        }
    }

    private Counter resyncCounter(ResyncCause cause) {
        return Counter.builder(RESYNCS)
                .description("Resync snapshots sent to a connection instead of the changes it asked for, by cause")
                .tag("cause", cause.tag()).register(registry);
    }
}
