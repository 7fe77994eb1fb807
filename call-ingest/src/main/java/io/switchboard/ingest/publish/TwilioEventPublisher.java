package io.switchboard.ingest.publish;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.metrics.IngestMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Stores a {@link TwilioEvent} in Kafka ({@code switchboard.twilio-events}, keyed by tenant) and completes only once
 * the broker acknowledged it (acks=all, see application.properties).
 *
 * <p>Why the SmallRye emitter rather than a bare {@code KafkaProducer}: the connector runs the producer's possibly
 * blocking {@code send} (metadata waits up to {@code max.block.ms}) on its own thread, off the event loop, gives the
 * channel a readiness check and turns the broker's acknowledgement into this Uni. The bounded wait below is the
 * guarantee Twilio sees; the producer timeouts only make a dead broker fail fast.
 *
 * <p>An event that times out here may still reach Kafka later. That is safe: Twilio retries the 503, the retry has
 * the same event id, and call-state applies each event id once.
 */
@ApplicationScoped
public class TwilioEventPublisher {
    /** The outgoing channel; application.properties maps it to {@code Topics.TWILIO_EVENTS}. */
    public static final String CHANNEL = "twilio-events";
    private static final AttributeKey<String> CALL_SID = AttributeKey.stringKey(TraceAttributes.CALL_SID);
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey(TraceAttributes.TENANT);

    private final MutinyEmitter<TwilioEvent> emitter;
    private final Duration timeout;
    private final IngestMetrics metrics;

    public TwilioEventPublisher(@Channel(CHANNEL) MutinyEmitter<TwilioEvent> emitter, IngestConfig config,
            IngestMetrics metrics) {
        this.emitter = emitter;
        this.timeout = config.ingest().publishTimeout();
        this.metrics = metrics;
    }

    /** Completes when Kafka stored the event; fails with {@link UnavailableException} otherwise. */
    public Uni<Void> publish(TwilioEvent event) {
        // The webhook's span names the call: an operator finds a call's trace by its CallSid.
        Span.current().setAttribute(CALL_SID, event.callSid()).setAttribute(TENANT, event.tenantId());
        Message<TwilioEvent> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.tenantId()).build());
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = metrics.startPublish();
            // deferred: a full emitter buffer throws instead of returning a failed Uni
            return Uni.createFrom().deferred(() -> emitter.sendMessage(message))
                    .ifNoItem().after(timeout).fail()
                    .onItemOrFailure().invoke((ignored, failure) -> metrics.stopPublish(sample, failure == null));
        }).onFailure().transform(failure -> new UnavailableException("Kafka did not store event " + event.eventId()
                + ": " + (failure instanceof TimeoutException
                        ? "no acknowledgement within " + timeout.toMillis() + " ms"
                        : failure.getMessage())
                + ". Twilio will retry; check that the Kafka brokers are reachable.", failure));
    }
}
