package io.switchboard.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What call-ingest counts: every webhook's outcome, numbers nobody owns, the journal (what waits for Kafka, what waited
 * through an outage), and how long Kafka takes to store an event.
 */
@ApplicationScoped
public class IngestMetrics {
    public static final String WEBHOOKS = "switchboard.ingest.webhooks";
    public static final String UNKNOWN_NUMBERS = "switchboard.ingest.unknown.numbers";
    public static final String PUBLISH_LATENCY = "switchboard.ingest.publish.latency";
    public static final String JOURNAL_WAITING = "switchboard.ingest.journal.waiting";
    public static final String KAFKA_AWAY = "switchboard.ingest.journal.kafka.away.seconds";
    public static final String FORWARDED = "switchboard.ingest.journal.forwarded";
    public static final String JOURNAL_FAILURES = "switchboard.ingest.journal.failures";

    public enum Outcome {
        /** Stored in the journal (or nothing to store, for hold music) and answered 200. */
        ACCEPTED,
        /** Missing or wrong {@code X-Twilio-Signature}: 403. */
        FORBIDDEN,
        /** A call to a number no tenant owns: {@code <Reject/>}. */
        REJECTED_UNKNOWN_NUMBER,
        /** A callback whose tenant cannot be told: 200 so Twilio stops retrying, nothing published. */
        IGNORED_UNKNOWN_TENANT,
        /** Signed, but lacking what the endpoint needs: 400. */
        BAD_REQUEST,
        /** An agent leg's client identity names another tenant than the callback, or none: 403. */
        FOREIGN_AGENT_LEG,
        /** Signed the way Twilio signs a JSON body, but voice webhooks are forms: 415. */
        UNSUPPORTED_MEDIA_TYPE,
        /**
         * The journal could not store the event, or PostgreSQL did not name the owner of a number this pod never saw:
         * 503; the parking lot's wait music is played all the same, unstored (Twilio does not retry a wait URL).
         */
        UNAVAILABLE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    /*
     * Each webhook's meters, looked up in the registry once and kept: a lookup builds and hashes the meter's name and
     * tags, on every webhook. Filled as outcomes occur, so /q/metrics lists only those that did; two threads filling
     * the same slot get the same meter from the registry.
     */
    private final Counter[][] webhooks = new Counter[Endpoint.values().length][Outcome.values().length];
    private final Timer[] publishLatency = new Timer[2];

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void webhook(Endpoint endpoint, Outcome outcome) {
        Counter counter = webhooks[endpoint.ordinal()][outcome.ordinal()];
        if (counter == null) {
            counter = registry.counter(WEBHOOKS, "endpoint", endpoint.tag(), "outcome", outcome.tag());
            webhooks[endpoint.ordinal()][outcome.ordinal()] = counter;
        }
        counter.increment();
    }

    public void unknownNumber(Endpoint endpoint) {
        registry.counter(UNKNOWN_NUMBERS, "endpoint", endpoint.tag()).increment();
    }

    /** What waits in the journal, and how long Kafka has been refusing the forwarder's events (0: it takes them). */
    public void journal(Supplier<Number> waiting, Supplier<Number> kafkaAwaySeconds) {
        Gauge.builder(JOURNAL_WAITING, () -> waiting.get().doubleValue())
                .description("Webhooks answered and stored on the pod's disk that Kafka has not acknowledged yet")
                .register(registry);
        Gauge.builder(KAFKA_AWAY, () -> kafkaAwaySeconds.get().doubleValue())
                .description("How long Kafka has been refusing the journal's events; 0 while it takes them")
                .register(registry);
        // At 0 from the start, so that an alert on its increase sees the first failure.
        registry.counter(JOURNAL_FAILURES);
    }

    /**
     * Events Kafka acknowledged: {@code atOnce} on the forwarder's first try, {@code held} after waiting in the journal
     * through a Kafka outage or a restart (webhooks Twilio would have given up on without the journal).
     */
    public void forwarded(long atOnce, long held) {
        if (atOnce > 0) {
            registry.counter(FORWARDED, "delay", "at_once").increment(atOnce);
        }
        if (held > 0) {
            registry.counter(FORWARDED, "delay", "held").increment(held);
        }
    }

    /** The journal could not write or read an event. */
    public void journalFailure() {
        registry.counter(JOURNAL_FAILURES).increment();
    }

    public Timer.Sample startPublish() {
        return Timer.start(registry);
    }

    /** @param stored whether Kafka acknowledged the event */
    public void stopPublish(Timer.Sample sample, boolean stored) {
        int slot = stored ? 0 : 1;
        Timer timer = publishLatency[slot];
        if (timer == null) {
            timer = Timer.builder(PUBLISH_LATENCY)
                    .description("Time from handing an event to the Kafka producer to its acknowledgement (or giving up)")
                    .tag("outcome", stored ? "stored" : "failed")
                    .publishPercentiles(0.5, 0.99)
                    .register(registry);
            publishLatency[slot] = timer;
        }
        sample.stop(timer);
    }
}
