package io.switchboard.state.persistence;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * This process among call-state's replicas: an id of its own, and a heartbeat in Postgres ({@code
 * call_state_replicas}) every second, so the others can tell when it died and take over the Twilio actions it held
 * at once, rather than when their lease passes.
 *
 * <p>The beat has a thread of its own: a replica busy deciding must not look dead (its actions would be carried out
 * twice). A replica is taken for dead only after {@link #SILENT_FOR} without a beat.
 */
@ApplicationScoped
public class Replicas {
    private static final Logger LOG = Logger.getLogger(Replicas.class);
    private static final Duration BEAT_EVERY = Duration.ofSeconds(1);
    /** A replica that has not beaten for this long is dead: three beats missed. */
    public static final Duration SILENT_FOR = Duration.ofSeconds(3);
    /** Rows of replicas silent this long go: nothing refers to them any more (their actions were taken over). */
    private static final Duration FORGOTTEN_AFTER = Duration.ofHours(1);

    private final String id = UUID.randomUUID().toString();
    private final AgroalDataSource dataSource;
    private final ScheduledExecutorService beater = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "replica-heartbeat"));

    public Replicas(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** This process' id: what its Twilio actions are held by. */
    public String id() {
        return id;
    }

    /** The first beat comes before this process decides anything, so its actions are never taken for orphans. */
    void onStart(@Observes @Priority(1) StartupEvent event) throws SQLException {
        beat();
        beater.scheduleWithFixedDelay(() -> {
            try {
                beat();
            } catch (SQLException e) {
                // Postgres is out of reach: so it is for the replicas that would take this one's actions over.
                LOG.warnf("Heartbeat of call-state replica %s not stored, will retry: %s", id, e.getMessage());
            }
        }, BEAT_EVERY.toMillis(), BEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        beater.shutdown();
    }

    private void beat() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                WITH forgotten AS (DELETE FROM call_state_replicas WHERE alive_at < now() - ?::interval)
                INSERT INTO call_state_replicas (id, alive_at) VALUES (?, now())
                ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at""")) {
            s.setString(1, FORGOTTEN_AFTER.toMillis() + " milliseconds");
            s.setString(2, id);
            s.executeUpdate();
        }
    }
}
