package io.switchboard.state.timer;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.switchboard.state.config.CallStateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Forgets the ids of applied records once they are older than anything Kafka could still redeliver (its
 * retention), so {@code processed_events} does not grow forever.
 */
@ApplicationScoped
public class ProcessedEventsJanitor {
    private static final Logger LOG = Logger.getLogger(ProcessedEventsJanitor.class);

    private final AgroalDataSource dataSource;
    private final CallStateConfig config;
    private final Clock clock;

    public ProcessedEventsJanitor(AgroalDataSource dataSource, CallStateConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetOldIds() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM processed_events WHERE processed_at < ?")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(config.dedupeRetention())));
            int forgotten = s.executeUpdate();
            if (forgotten > 0) {
                LOG.infof("Forgot %d applied-record ids older than %s", forgotten, config.dedupeRetention());
            }
        } catch (Exception e) {
            LOG.warnf("Old applied-record ids not removed yet, will retry: %s", e.getMessage());
        }
    }
}
