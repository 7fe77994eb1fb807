package io.switchboard.state.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether this replica has been reading gateways' presence reports for long enough to judge a gateway dead by its
 * silence. A connection's {@code seen_at} moves only when call-state reads a heartbeat: right after call-state
 * (re)starts, or while it has no presence partitions, every gateway looks silent, and dropping their connections
 * would take every agent offline. So the TTL counts from the moment the reports flow again.
 */
@ApplicationScoped
@Identifier(PresenceConsumption.NAME)
public class PresenceConsumption implements KafkaConsumerRebalanceListener {
    /** The name application.properties gives the presence channel's rebalance listener. */
    public static final String NAME = "presence-consumption";

    private final Clock clock;
    private volatile Instant readingSince;

    public PresenceConsumption(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        readingSince = consumer.assignment().isEmpty() ? null : clock.instant();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        readingSince = null;
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        readingSince = null;
    }

    /** True once reports have been read for a whole {@code ttl}: a silence that long is the gateway's own. */
    public boolean silenceMeansGone(Instant now, Duration ttl) {
        Instant since = readingSince;
        return since != null && !now.isBefore(since.plus(ttl));
    }
}
