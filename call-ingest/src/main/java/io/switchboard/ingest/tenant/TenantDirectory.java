package io.switchboard.ingest.tenant;

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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tenant a webhook belongs to: the {@code tenant} query parameter call-state put in the URL (covered by the
 * signature), else the owner of the {@code To} number in {@code tenant_numbers}.
 *
 * <p>Owners are taken from memory briefly, so a burst of calls costs one query, and webhooks that arrive while a
 * number's query runs wait for that query; a number that nobody owns is asked again every time, so a number added to
 * a tenant works at once (and random {@code To} values cannot fill the cache). Every owner PostgreSQL names is also
 * kept in the pod's journal: while PostgreSQL is away, a number this pod has seen keeps its owner, even across a
 * restart.
 */
@ApplicationScoped
public class TenantDirectory {
    private static final String OWNER_OF_NUMBER = "SELECT tenant_id FROM tenant_numbers WHERE phone_number = $1";

    private final Pool pool;
    private final EventJournal journal;
    private final Duration lookupTimeout;
    private final long cacheTtlNanos;
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();
    /** The lookup running for a number, while it runs. */
    private final Map<String, CompletableFuture<Optional<String>>> lookups = new ConcurrentHashMap<>();

    private record Owner(String tenantId, long expiresAtNanos) {
    }

    public TenantDirectory(Pool pool, IngestConfig config, EventJournal journal) {
        this.pool = pool;
        this.journal = journal;
        this.lookupTimeout = config.ingest().tenantLookupTimeout();
        this.cacheTtlNanos = config.ingest().tenantCacheTtl().toNanos();
    }

    /** Empty when the webhook names no tenant and no tenant owns its {@code To}; fails with {@link UnavailableException}. */
    public Uni<Optional<String>> tenantOf(TwilioWebhook webhook) {
        if (webhook.tenant() != null && !webhook.tenant().isBlank()) {
            return Uni.createFrom().item(Optional.of(webhook.tenant()));
        }
        if (webhook.to() == null || webhook.to().isBlank()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return ownerOf(webhook.to());
    }

    private Uni<Optional<String>> ownerOf(String number) {
        Owner cached = owners.get(number);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return Uni.createFrom().item(Optional.of(cached.tenantId()));
        }
        // Webhooks for one number share the query that is running for it. After a restart, Twilio's retries for a
        // hundred calls to one number arrive at once; a query each queued them behind the pool past the lookup
        // timeout, every one was answered 503 and retried, and call-ingest stayed unready for minutes (found by the
        // fault-injection suite, docs/reliability.md).
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> running = lookups.putIfAbsent(number, mine);
        if (running == null) {
            running = mine;
            lookUp(number).subscribe().with(owner -> {
                lookups.remove(number, mine);
                mine.complete(owner);
            }, failure -> {
                lookups.remove(number, mine);
                mine.completeExceptionally(failure);
            });
        }
        CompletableFuture<Optional<String>> shared = running;
        // A copy per webhook: one that gives up (its request is cancelled) must not cancel the others' lookup.
        // The query answers on the event loop of the webhook that started it; each webhook goes on on its own.
        return CallerContext.backOnCaller(Uni.createFrom().completionStage(shared::copy));
    }

    private Uni<Optional<String>> lookUp(String number) {
        return pool.preparedQuery(OWNER_OF_NUMBER).execute(Tuple.of(number))
                .ifNoItem().after(lookupTimeout).fail()
                .map(rows -> remember(number, rows))
                .onFailure().recoverWithUni(failure -> lastKnownOwner(number, failure));
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

    private Optional<String> remember(String number, RowSet<Row> rows) {
        Iterator<Row> it = rows.iterator();
        if (!it.hasNext()) {
            return Optional.empty();
        }
        String tenantId = it.next().getString("tenant_id");
        owners.put(number, new Owner(tenantId, System.nanoTime() + cacheTtlNanos));
        journal.rememberOwner(number, tenantId);
        return Optional.of(tenantId);
    }
}
