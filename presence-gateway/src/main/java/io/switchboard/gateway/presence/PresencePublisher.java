package io.switchboard.gateway.presence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.switchboard.contract.PresenceReport;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.listener.Channels;
import io.switchboard.gateway.metrics.GatewayMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Tells call-state about this gateway's agent connections ({@code switchboard.presence}, keyed by tenant so one
 * tenant's reports stay in order). call-state owns presence; the gateway only reports.
 *
 * <p>A report is sent in the order the methods are called (the caller orders them per tenant) and counts as stored
 * once Kafka acknowledged it. A report that is not stored is logged and counted, and nothing else happens: the agent's
 * connection is not the place to pay for it, and the next heartbeat replaces what call-state knows of this gateway
 * and tenant anyway.
 */
@ApplicationScoped
public class PresencePublisher {
    private static final Logger LOG = Logger.getLogger(PresencePublisher.class);

    private final MutinyEmitter<String> emitter;
    private final ObjectWriter writer;
    private final GatewayMetrics metrics;
    private final String gatewayId;
    private final Duration timeout;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean stopping;

    public PresencePublisher(@Channel(Channels.PRESENCE) MutinyEmitter<String> emitter, ObjectMapper mapper,
            GatewayMetrics metrics, GatewayConfig config) {
        this.emitter = emitter;
        // Through the interface, so the "type" property is written.
        this.writer = mapper.writerFor(PresenceReport.class);
        this.metrics = metrics;
        this.gatewayId = config.gateway().id();
        this.timeout = config.gateway().publishTimeout();
    }

    void stop(@Observes ShutdownEvent event) {
        // Connections closing with the gateway are not agents leaving: Kafka may already be going, and call-state's
        // TTL for this gateway's heartbeats takes them offline unless they reconnect elsewhere.
        stopping = true;
    }

    public void connected(String tenantId, String agentId, String connectionId) {
        publish(new PresenceReport.Connected(tenantId, gatewayId, agentId, connectionId, now()), "connected",
                connectionId);
    }

    public void disconnected(String tenantId, String agentId, String connectionId) {
        publish(new PresenceReport.Disconnected(tenantId, gatewayId, agentId, connectionId, now()), "disconnected",
                connectionId);
    }

    /** @param connections agent id → that agent's connection ids here; empty after the tenant's last one closed */
    public void heartbeat(String tenantId, Map<String, List<String>> connections) {
        publish(new PresenceReport.Heartbeat(tenantId, gatewayId, connections, now()), "heartbeat", null);
    }

    public String gatewayId() {
        return gatewayId;
    }

    private Instant now() {
        return Instant.now(clock);
    }

    private void publish(PresenceReport report, String type, String connectionId) {
        if (stopping) {
            LOG.debugf("Gateway stopping; %s report for tenant %s not sent", type, report.tenantId());
            return;
        }
        Uni<Void> sent;
        try {
            Message<String> record = Message.of(writer.writeValueAsString(report)).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(report.tenantId()).build());
            sent = emitter.sendMessage(record);
        } catch (JsonProcessingException | RuntimeException e) {
            // RuntimeException: the emitter refuses at once when its buffer is full (Kafka has been away a while).
            failed(report, type, connectionId, e);
            return;
        }
        // Subscribed here, on the caller's thread: that is what puts the record in line behind the previous one.
        sent.ifNoItem().after(timeout)
                .failWith(() -> new TimeoutException("no acknowledgement within " + timeout.toMillis() + " ms"))
                .subscribe().with(
                        stored -> metrics.presenceReport(type, "stored"),
                        failure -> failed(report, type, connectionId, failure));
    }

    private void failed(PresenceReport report, String type, String connectionId, Throwable failure) {
        metrics.presenceReport(type, "failed");
        LOG.warnf("Presence report not stored (%s, tenant %s%s): %s; the next heartbeat repairs it", type,
                report.tenantId(), connectionId == null ? "" : ", connection " + connectionId, failure.getMessage());
    }
}
