package io.switchboard.gateway.domain;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the canary knows of its probes, and from that whether realtime works and which hop looks broken. Each probe is
 * sent, acked by call-state on the agent-replies topic (the command path) and comes back on the state-changes topic
 * (the change path). The two topics are read by different consumers, so a probe may well come back before its ack: the
 * broken hop is decided per probe (was the newest probe that did not come back acked?), never by comparing when the
 * last ack and the last return happened.
 *
 * <p>No I/O, no clock of its own (times are {@link System#nanoTime()} values); safe to call from several threads.
 */
public final class CanaryLedger {
    public static final String CALL_STATE_SILENT = "call-state does not answer probes: it is down, lagging on the"
            + " agent-commands topic, or its replies do not reach this gateway";
    public static final String CHANGES_STUCK = "call-state stores and acks probes, but they do not come back: check"
            + " call-state's outbox relay (outbox backlog) and this gateway's state-changes consumer";

    /** @param problem the broken hop, when not healthy */
    public record Status(boolean healthy, Long lastRoundTripNanos, long nanosSinceLastBack, String problem) {
    }

    private final long intervalNanos;
    private final long lostAfterNanos;
    private final long startedNanos;
    /** Probes on their way, oldest first: id → whether call-state acked it. */
    private final Map<String, Sent> outstanding = new LinkedHashMap<>();
    private long lastBackNanos = -1;
    private long lastRoundTripNanos = -1;
    /** Whether the newest probe given up on had been acked; null while none was. */
    private Boolean lastLostAcked;
    /** The last thing that went wrong on the way out: Kafka refused the probe, or call-state answered an error. */
    private String sendProblem;

    private static final class Sent {
        final long at;
        boolean acked;

        Sent(long at) {
            this.at = at;
        }
    }

    public CanaryLedger(long intervalNanos, long lostAfterNanos, long startedNanos) {
        this.intervalNanos = intervalNanos;
        this.lostAfterNanos = lostAfterNanos;
        this.startedNanos = startedNanos;
    }

    public synchronized void sent(String probeId, long now) {
        outstanding.put(probeId, new Sent(now));
    }

    /** Kafka did not take the probe: it will not come back, and that is the problem. */
    public synchronized void notPublished(String probeId, String problem) {
        outstanding.remove(probeId);
        sendProblem = problem;
    }

    public synchronized void acked(String probeId) {
        Sent probe = outstanding.get(probeId);
        if (probe != null) {
            probe.acked = true;
        }
        sendProblem = null;
    }

    public synchronized void refused(String problem) {
        sendProblem = problem;
    }

    /** @return the round trip of this gateway's probe, or empty for one it already gave up on (or not its own) */
    public synchronized OptionalLong back(String probeId, long now) {
        Sent probe = outstanding.remove(probeId);
        if (probe == null) {
            return OptionalLong.empty();
        }
        lastBackNanos = now;
        lastRoundTripNanos = now - probe.at;
        lastLostAcked = null; // this one came back: whatever was lost before it, the path works again
        return OptionalLong.of(lastRoundTripNanos);
    }

    /** Gives up on probes out longer than lost-after. @return how many */
    public synchronized int sweep(long now) {
        int lost = 0;
        for (Iterator<Sent> it = outstanding.values().iterator(); it.hasNext(); ) {
            Sent probe = it.next();
            if (now - probe.at > lostAfterNanos) {
                lastLostAcked = probe.acked;
                it.remove();
                lost++;
            }
        }
        return lost;
    }

    public synchronized long nanosSinceLastBack(long now) {
        return now - (lastBackNanos < 0 ? startedNanos : lastBackNanos);
    }

    public synchronized Status status(long now) {
        long since = nanosSinceLastBack(now);
        boolean healthy = since <= lostAfterNanos + intervalNanos;
        return new Status(healthy, lastRoundTripNanos < 0 ? null : lastRoundTripNanos, since,
                healthy ? null : brokenHop(now));
    }

    /** Where the probes stop: the newest probe that is overdue or was given up on, acked or not. */
    private String brokenHop(long now) {
        if (sendProblem != null) {
            return sendProblem;
        }
        Boolean acked = lastLostAcked;
        for (Sent probe : outstanding.values()) {
            if (now - probe.at > intervalNanos) { // overdue: would have been back already on a working path
                acked = probe.acked;
            }
        }
        return Boolean.TRUE.equals(acked) ? CHANGES_STUCK : CALL_STATE_SILENT;
    }
}
