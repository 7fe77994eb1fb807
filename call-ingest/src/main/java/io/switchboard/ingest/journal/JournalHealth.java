package io.switchboard.ingest.journal;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The pod is ready while its journal can take webhooks, whether or not Kafka and PostgreSQL answer: a pod that left
 * the Service during their outage would turn Twilio's webhooks into refused connections, which Twilio gives up on at
 * once. What waits for Kafka is detail; alert on {@code switchboard_ingest_journal_kafka_away_seconds} instead.
 */
@Readiness
@ApplicationScoped
public class JournalHealth implements HealthCheck {
    private final EventJournal journal;

    public JournalHealth(EventJournal journal) {
        this.journal = journal;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Webhook journal")
                .status(!journal.full())
                .withData("waitingForKafka", journal.waiting());
        journal.kafkaAwaySince().ifPresent(since -> response.withData("kafkaAwaySince", since.toString()));
        if (journal.full()) {
            response.withData("problem", "full: webhooks are answered 503 until Kafka takes the waiting ones");
        }
        return response.build();
    }
}
