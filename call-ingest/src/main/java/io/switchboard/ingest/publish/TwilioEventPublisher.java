package io.switchboard.ingest.publish;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
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
 * the broker acknowledged it (acks=all, see application.properties). The journal's forwarder is its one user: webhooks
 * never wait for Kafka.
 *
 * <p>Why the SmallRye emitter rather than a bare {@code KafkaProducer}: the connector runs the producer's possibly
 * blocking {@code send} (metadata waits up to {@code max.block.ms}) on its own thread, gives the record the trace
 * context and turns the broker's acknowledgement into this Uni. The bounded wait below is what the forwarder sees;
 * the producer timeouts only make a dead broker fail fast.
 *
 * <p>An event that times out here may still reach Kafka later. That is safe: the forwarder sends it again with the
 * same event id, and call-state applies each event id once.
 */
@ApplicationScoped
public class TwilioEventPublisher {
    /** The outgoing channel; application.properties maps it to {@code Topics.TWILIO_EVENTS}. */
    public static final String CHANNEL = "twilio-events";

    private final MutinyEmitter<TwilioEvent> emitter;
    private final Duration timeout;
    private final IngestMetrics metrics;

    public TwilioEventPublisher(@Channel(CHANNEL) MutinyEmitter<TwilioEvent> emitter, IngestConfig config,
            IngestMetrics metrics) {
        this.emitter = emitter;
        this.timeout = config.ingest().publishTimeout();
        this.metrics = metrics;
    }

    /**
     * Completes when Kafka stored the event; fails with {@link UnavailableException} otherwise.
     *
     * @param trace the webhook's trace, which the Kafka record carries on
     */
    public Uni<Void> publish(TwilioEvent event, Context trace) {
        Message<TwilioEvent> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.tenantId()).build())
                .addMetadata(TracingMetadata.withCurrent(trace));
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
                + ". Check that the Kafka brokers are reachable.", failure));
    }
}
