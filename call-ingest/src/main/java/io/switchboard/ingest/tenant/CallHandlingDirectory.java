package io.switchboard.ingest.tenant;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.db.TenantScope;
import io.switchboard.contract.handling.CallHandling;
import io.switchboard.contract.handling.CallHandling.AfterHours;
import io.switchboard.contract.handling.CallHandling.AtLimit;
import io.switchboard.contract.handling.WeeklyHours;
import io.switchboard.ingest.CallerContext;
import io.switchboard.ingest.config.IngestConfig;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A tenant's call handling settings ({@code call_handling}), read from PostgreSQL at each decision that needs them, so
 * a change takes effect with the next call, no restart.
 *
 * <p>Never fails. While PostgreSQL is away a tenant keeps the settings this pod last read for it, and a tenant it never
 * read is taken as {@link CallHandling#defaults()}: open, with the default greeting — a caller waiting in the queue
 * beats a caller sent to voicemail by mistake. A row this service cannot read (a time zone or a schedule nobody checked
 * on the way in) is handled the same way, and said once until it changes.
 */
@ApplicationScoped
public class CallHandlingDirectory {
    private static final String SETTINGS = "SELECT max_wait_seconds, at_limit, forward_to, time_zone,"
            + " weekly_hours::text AS weekly_hours, closed_dates, after_hours, after_hours_message, greeting_text,"
            + " greeting_url FROM call_handling WHERE tenant_id = $1";

    private final Pool pool;
    private final Duration timeout;
    /** The settings this pod last read, per tenant: what it goes by while PostgreSQL is away. */
    private final Map<String, CallHandling> lastRead = new ConcurrentHashMap<>();
    /** Per tenant, the unreadable row last logged, so it is said once and not at every call. */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();
    private final AtomicBoolean away = new AtomicBoolean();

    public CallHandlingDirectory(Pool pool, IngestConfig config) {
        this.pool = pool;
        this.timeout = config.ingest().handlingLookupTimeout();
    }

    /** The tenant's settings as PostgreSQL has them now, or as this pod last read them. */
    public Uni<CallHandling> of(String tenantId) {
        return CallerContext.backOnCaller(TenantScope.read(pool, tenantId,
                                connection -> connection.preparedQuery(SETTINGS).execute(Tuple.of(tenantId)))
                        .ifNoItem().after(timeout).fail())
                .map(rows -> read(tenantId, rows))
                .onFailure().recoverWithItem(failure -> unanswered(tenantId, failure));
    }

    private CallHandling read(String tenantId, RowSet<Row> rows) {
        if (away.compareAndSet(true, false)) {
            Log.infof("PostgreSQL answers again: tenants' call handling settings are read from call_handling again.");
        }
        Iterator<Row> it = rows.iterator();
        CallHandling settings;
        try {
            settings = it.hasNext() ? settings(it.next()) : CallHandling.defaults();
        } catch (IllegalArgumentException e) {
            CallHandling fallback = lastRead.getOrDefault(tenantId, CallHandling.defaults());
            if (!Objects.equals(unreadable.put(tenantId, e.getMessage()), e.getMessage())) {
                Log.errorf("The call_handling row of tenant %s cannot be used: %s Until it is fixed, its calls are"
                        + " handled with %s.", tenantId, e.getMessage(),
                        lastRead.containsKey(tenantId) ? "the settings last read for it" : "the defaults (open always,"
                                + " voicemail with the default greeting)");
            }
            return fallback;
        }
        unreadable.remove(tenantId);
        lastRead.put(tenantId, settings);
        return settings;
    }

    private CallHandling unanswered(String tenantId, Throwable failure) {
        if (away.compareAndSet(false, true)) {
            String reason = failure instanceof TimeoutException
                    ? "PostgreSQL did not answer within " + timeout.toMillis() + " ms"
                    : String.valueOf(failure.getMessage());
            Log.warnf("Could not read tenants' call handling settings (%s). Until PostgreSQL answers, each tenant's"
                    + " calls are handled with the settings this pod last read for it, and a tenant it never read is"
                    + " taken as open always, so callers wait in the queue rather than reach voicemail by mistake.",
                    reason);
        }
        return lastRead.getOrDefault(tenantId, CallHandling.defaults());
    }

    static CallHandling settings(Row row) {
        Integer maxWait = row.getInteger("max_wait_seconds");
        LocalDate[] closed = row.getArrayOfLocalDates("closed_dates");
        return new CallHandling(maxWait == null ? null : Duration.ofSeconds(maxWait),
                AtLimit.parse(row.getString("at_limit")), row.getString("forward_to"),
                CallHandling.zone(row.getString("time_zone")), WeeklyHours.parse(row.getString("weekly_hours")),
                closed == null ? Set.of() : Arrays.stream(closed).filter(Objects::nonNull).collect(Collectors.toSet()), AfterHours.parse(row.getString("after_hours")),
                row.getString("after_hours_message"), row.getString("greeting_text"), row.getString("greeting_url"));
    }
}
