package io.switchboard.ingest.tenant;

import io.quarkus.cache.CacheResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.switchboard.ingest.CallerContext;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.journal.EventJournal;
import io.switchboard.ingest.mapping.TwilioWebhook;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;

/**
 * Which tenant a webhook belongs to: the {@code tenant} query parameter call-state put in the URL (covered by the
 * signature), else the owner of the {@code To} number in {@code tenant_numbers}.
 *
 * <p>Owners are taken from memory briefly (quarkus-cache, cache {@value #OWNERS}, its expiry
 * {@code switchboard.ingest.tenant-cache-ttl}), so a burst of calls costs one query, and webhooks that arrive while a
 * number's query runs wait for that query; a number that nobody owns is asked again every time, so a number added to
 * a tenant works at once (and random {@code To} values cannot fill the cache). Every owner PostgreSQL names is also
 * kept in the pod's journal: while PostgreSQL is away, a number this pod has seen keeps its owner, even across a
 * restart.
 */
@ApplicationScoped
public class TenantDirectory {
    /** The cache of owners, whose expiry application.properties sets. */
    static final String OWNERS = "tenant-owners";
    /**
     * call-ingest's role may not read tenant_numbers: this function (migration V16) answers for the one number asked,
     * with NULL when no tenant owns it.
     */
    private static final String OWNER_OF_NUMBER = "SELECT switchboard_tenant_of($1) AS tenant_id";

    private final Pool pool;
    private final EventJournal journal;
    private final Duration lookupTimeout;

    /**
     * No owner: a failure, because quarkus-cache keeps every item its method gives and never a failure. Without a
     * stack trace: it is an answer, not an error.
     */
    static final class NoOwner extends RuntimeException {
        NoOwner() {
            super("no tenant owns this number", null, false, false);
        }
    }

    public TenantDirectory(Pool pool, IngestConfig config, EventJournal journal) {
        this.pool = pool;
        this.journal = journal;
        this.lookupTimeout = config.ingest().tenantLookupTimeout();
    }

    /** Empty when the webhook names no tenant and no tenant owns its {@code To}; fails with {@link UnavailableException}. */
    public Uni<Optional<String>> tenantOf(TwilioWebhook webhook) {
        if (webhook.tenant() != null && !webhook.tenant().isBlank()) {
            return Uni.createFrom().item(Optional.of(webhook.tenant()));
        }
        if (webhook.to() == null || webhook.to().isBlank()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String number = webhook.to();
        // A memoize per webhook: the cache hands every caller of a number the same lookup, and cancelling a caller's
        // Uni would cancel it; a webhook that gives up (its request cancelled) must not fail the others waiting.
        return CallerContext.backOnCaller(owner(number).memoize().indefinitely())
                .map(Optional::of)
                .onFailure(NoOwner.class).recoverWithItem(Optional.empty())
                .onFailure().recoverWithUni(failure -> lastKnownOwner(number, failure));
    }

    /**
     * The owner PostgreSQL names; webhooks for one number share the query that is running for it. After a restart,
     * Twilio's retries for a hundred calls to one number arrive at once; a query each queued them behind the pool past
     * the lookup timeout, every one was answered 503 and retried, and call-ingest stayed unready for minutes
     * (docs/reliability.md).
     */
    @CacheResult(cacheName = OWNERS)
    Uni<String> owner(String number) {
        return pool.preparedQuery(OWNER_OF_NUMBER).execute(Tuple.of(number))
                .ifNoItem().after(lookupTimeout).fail()
                .map(rows -> remember(number, rows));
    }

    /** PostgreSQL did not answer: the owner it last named to this pod, or 503 for a number this pod never saw. */
    private Uni<Optional<String>> lastKnownOwner(String number, Throwable failure) {
        String reason = failure instanceof TimeoutException
                ? "PostgreSQL did not answer within " + lookupTimeout.toMillis() + " ms"
                : failure.getMessage();
        Optional<String> owner = journal.rememberedOwner(number);
        if (owner.isPresent()) {
            Log.debugf("Took the last known owner of %s (%s): %s", number, owner.get(), reason);
            return Uni.createFrom().item(owner);
        }
        return Uni.createFrom().failure(new UnavailableException("Could not look up the tenant owning " + number
                + ": " + reason + ". Twilio may retry; check that PostgreSQL is reachable.", failure));
    }

    private String remember(String number, RowSet<Row> rows) {
        Iterator<Row> it = rows.iterator();
        String tenantId = it.hasNext() ? it.next().getString("tenant_id") : null;
        if (tenantId == null) {
            throw new NoOwner();
        }
        journal.rememberOwner(number, tenantId);
        return tenantId;
    }
}
