package io.switchboard.contract.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Reads of one tenant's rows by the services that only read (call-ingest, presence-gateway). Their PostgreSQL roles see
 * a row of the projection only when its tenant is the transaction's {@value #SETTING} (row-level security, migration
 * V16): a query that forgets its {@code WHERE tenant_id} still returns that tenant's rows and no other's, and a query
 * run with no tenant set returns none. So every read of a tenant's rows runs in a transaction that names the tenant
 * first.
 *
 * <p>What it costs: the transaction's {@code BEGIN} and {@code COMMIT}, one round trip each; the tenant's
 * {@code set_config} goes out with the work's first query on the same connection without waiting for its answer
 * (the client pipelines them), so it adds no round trip of its own.
 */
public final class TenantScope {
    /** The setting the row-level security policies compare {@code tenant_id} with. */
    public static final String SETTING = "switchboard.tenant_id";

    /** {@code true}: the setting lasts until the transaction ends, so a pooled connection never carries it on. */
    private static final String SET_TENANT = "SELECT set_config('" + SETTING + "', $1, true)";
    /** Must come before any query of the transaction: all of them then read one committed state. */
    private static final String ONE_PICTURE = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    private TenantScope() {
    }

    /** Runs {@code work} on a connection whose transaction's tenant is {@code tenantId}. */
    public static <T> Uni<T> read(Pool pool, String tenantId, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> asTenant(connection, tenantId, work));
    }

    /**
     * As {@link #read}, in a repeatable-read, read-only transaction: every query of {@code work} sees the same committed
     * state, a consistent picture as of one moment.
     */
    public static <T> Uni<T> readOnePicture(Pool pool, String tenantId, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> {
            Uni<?> isolation = connection.query(ONE_PICTURE).execute();
            return Uni.combine().all().unis(isolation, asTenant(connection, tenantId, work)).asTuple()
                    .map(done -> done.getItem2());
        });
    }

    private static <T> Uni<T> asTenant(SqlConnection connection, String tenantId, Function<SqlConnection, Uni<T>> work) {
        if (tenantId == null || tenantId.isBlank()) {
            return Uni.createFrom().failure(new IllegalArgumentException("A tenant's rows need the tenant's id; got '"
                    + tenantId + "'"));
        }
        // Subscribed in this order, the two are queued on the connection in this order and sent together.
        return Uni.combine().all().unis(connection.preparedQuery(SET_TENANT).execute(Tuple.of(tenantId)),
                        work.apply(connection))
                .asTuple()
                .map(done -> done.getItem2());
    }
}
