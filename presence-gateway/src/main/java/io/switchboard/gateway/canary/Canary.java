package io.switchboard.gateway.canary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.Probe;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.domain.CanaryLedger;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.service.CommandPublisher;
import io.switchboard.gateway.service.PendingReplies;
import io.switchboard.gateway.session.Sessions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The end-to-end canary, the answer to "is realtime working?". Every {@code switchboard.canary.interval} this gateway
 * sends a probe as a command on the reserved tenant {@link Probe#CANARY_TENANT}; call-state stores it in its outbox and
 * acks; the relay publishes it on the state-changes topic and it comes back here like any change would. The round trip
 * and the time since the last probe came back are metrics; {@link #status()} says which hop looks broken when probes
 * stop coming back. A client's own probe ({@code diagnose}) comes back the same way and is handed to its connection.
 */
@ApplicationScoped
public class Canary {
    private static final Logger LOG = Logger.getLogger(Canary.class);
    public static final String ROUND_TRIP = "switchboard.gateway.canary.round.trip";
    public static final String AGE = "switchboard.gateway.canary.age";
    public static final String LOST = "switchboard.gateway.canary.lost";

    /** What the canary knows now; {@code problem} names the broken hop when {@code healthy} is false. */
    public record Status(boolean enabled, boolean healthy, Long lastRoundTripMillis, Long ageSeconds, long lost,
            String problem) {
    }

    private final CommandPublisher publisher;
    private final PendingReplies pending;
    private final Sessions sessions;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final String gatewayId;
    private final Duration interval;
    private final Duration lostAfter;
    private final Timer roundTrip;
    private final Counter lost;
    private final CanaryLedger ledger;
    private long timer = -1;

    public Canary(CommandPublisher publisher, PendingReplies pending, Sessions sessions, ObjectMapper mapper,
            Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
        this.publisher = publisher;
        this.pending = pending;
        this.sessions = sessions;
        this.mapper = mapper;
        this.vertx = vertx;
        this.gatewayId = config.gateway().id();
        this.interval = config.canary().interval();
        this.lostAfter = config.canary().lostAfter();
        this.ledger = new CanaryLedger(interval.toNanos(), lostAfter.toNanos(), System.nanoTime());
        this.roundTrip = Timer.builder(ROUND_TRIP)
                .description("Canary probes: sent by this gateway, through Kafka, call-state, its outbox, and back")
                .publishPercentileHistogram().register(metrics.registry());
        this.lost = Counter.builder(LOST).description("Canary probes that did not come back within lost-after")
                .register(metrics.registry());
        Gauge.builder(AGE, ledger, l -> TimeUnit.NANOSECONDS.toSeconds(l.nanosSinceLastBack(System.nanoTime())))
                .description("Seconds since this gateway's last canary probe came back").baseUnit("seconds")
                .register(metrics.registry());
    }

    void start(@Observes StartupEvent event) {
        if (enabled()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> send());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private boolean enabled() {
        return !interval.isZero() && !interval.isNegative();
    }

    private void send() {
        long now = System.nanoTime();
        lost.increment(ledger.sweep(now));
        String probeId = UUID.randomUUID().toString();
        AgentCommand probe = new AgentCommand(probeId, Probe.CANARY_TENANT, gatewayId, AgentCommand.Type.PROBE,
                null, null, probeId, new AgentCommand.ReplyTo(gatewayId, null), Instant.now());
        ledger.sent(probeId, now);
        pending.expect(probeId, lostAfter).subscribe().with(reply -> answered(probeId, reply));
        publisher.publish(probe).subscribe().with(ok -> { }, failure -> {
            pending.forget(probeId);
            ledger.notPublished(probeId, "this gateway cannot publish to Kafka (" + failure.getMessage() + ")");
        });
    }

    private void answered(String probeId, Optional<AgentReply> reply) {
        if (reply.isPresent() && reply.get().accepted()) {
            ledger.acked(probeId);
        } else if (reply.isPresent()) {
            ledger.refused("call-state refused the probe: " + reply.get().message());
        }
    }

    /** A probe read on the state-changes topic: the canary's own comes back here; a client's goes to its connection. */
    public void onProbe(String frame) {
        Probe probe;
        try {
            probe = mapper.readValue(frame, Probe.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("Skipped an unreadable probe on the state-changes topic (%s)", e.getOriginalMessage());
            return;
        }
        if (!gatewayId.equals(probe.gatewayId())) {
            return; // another gateway's: it measures its own
        }
        if (probe.canary()) {
            ledger.back(probe.requestId(), System.nanoTime())
                    .ifPresent(nanos -> roundTrip.record(nanos, TimeUnit.NANOSECONDS));
        } else {
            sessions.sendTo(probe.tenantId(), probe.connectionId(), frame);
        }
    }

    public Status status() {
        if (!enabled()) {
            return new Status(false, true, null, null, 0, null);
        }
        CanaryLedger.Status now = ledger.status(System.nanoTime());
        return new Status(true, now.healthy(),
                now.lastRoundTripNanos() == null ? null : TimeUnit.NANOSECONDS.toMillis(now.lastRoundTripNanos()),
                TimeUnit.NANOSECONDS.toSeconds(now.nanosSinceLastBack()), (long) lost.count(), now.problem());
    }
}
