package io.switchboard.gateway.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.common.annotation.NonBlocking;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.gateway.canary.Canary;
import io.switchboard.gateway.domain.ChangeHeader;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.session.Sessions;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Fans every tenant's changes out to that tenant's sockets on this gateway.
 *
 * <p>SmallRye Reactive Messaging rather than a hand-made consumer: it owns the poll loop, reconnects, and reports the
 * consumer's partition assignment to readiness (a gateway that receives no changes should receive no clients). Each
 * instance has its own consumer group (application.properties) so every gateway sees every change, from the latest
 * offset: a client's first frame is a snapshot anyway, and a change missed at start-up shows up as a gap and is
 * answered with a fresh snapshot.
 *
 * <p>The record value is the WebSocket frame: it is parsed once for its tenant and seq and then forwarded as the very
 * same bytes to every socket, never re-serialized per client.
 *
 * <p>Non-blocking: nothing here waits (a JSON header, a span, handing the change to the event loops), so it runs on
 * the consumer's own event loop; a {@code void} method would otherwise be called on a worker thread, one thread hop
 * per record on every change's way to the screens.
 */
@ApplicationScoped
public class StateChangeListener {
    private static final Logger LOG = Logger.getLogger(StateChangeListener.class);
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey(TraceAttributes.TENANT);
    private static final AttributeKey<Long> SEQ = AttributeKey.longKey(TraceAttributes.SEQ);
    private static final AttributeKey<Long> SOCKETS = AttributeKey.longKey(TraceAttributes.SOCKETS);

    private final Sessions sessions;
    private final ObjectMapper mapper;
    private final Canary canary;
    private final GatewayMetrics metrics;
    private final Tracer tracer;

    public StateChangeListener(Sessions sessions, ObjectMapper mapper, Canary canary, GatewayMetrics metrics,
            Tracer tracer) {
        this.sessions = sessions;
        this.mapper = mapper;
        this.canary = canary;
        this.metrics = metrics;
        this.tracer = tracer;
    }

    @Incoming(Channels.STATE_CHANGES)
    @NonBlocking
    public void onChange(ConsumerRecord<String, String> record) {
        String frame = record.value();
        ChangeHeader header;
        try {
            header = ChangeHeader.parse(mapper, frame);
        } catch (IllegalArgumentException e) {
            // One bad record must not stop every tenant's stream; the next good one of its tenant shows the gap.
            LOG.warnf("Skipped a record on the state-changes topic that is not a state change (%s)", e.getMessage());
            return;
        }
        if (header.probe()) {
            canary.onProbe(frame);
            return;
        }
        push(header, frame);
        if (header.closes() != null) {
            // After the change is queued on them: the screens see why before they close.
            sessions.endAgent(header.tenantId(), header.agentId(), header.closes());
        }
        // The record's timestamp is the relay's send time: this is Kafka's part of the way to the screens (plus any
        // clock difference between the two hosts).
        metrics.changeArrived(record.timestamp());
    }

    /**
     * The last hop of a call's trace: the change handed to the tenant's sockets here, within the trace the record
     * carries (the consumer span is current). The span ends when the change is handed to each event loop that serves
     * the tenant's sockets here; each socket then writes on its loop, in order.
     */
    private void push(ChangeHeader header, String frame) {
        Span span = tracer.spanBuilder("push " + header.type()).setAttribute(TENANT, header.tenantId())
                .setAttribute(SEQ, header.seq()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            span.setAttribute(SOCKETS, sessions.deliver(header.tenantId(), header.seq(), frame,
                    header.othersFrame(mapper, frame)));
        } finally {
            span.end();
        }
    }
}
