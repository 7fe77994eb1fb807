package io.switchboard.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.switchboard.contract.db.TenantScope;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which agents a tenant has ({@code voip_users}) and its numbers ({@code tenant_numbers}), both written by call-state.
 * Each read runs as the tenant ({@link TenantScope}): the gateway's role sees no other tenant's rows.
 */
@ApplicationScoped
public class AgentDirectory {
    private final Pool pool;

    public AgentDirectory(Pool pool) {
        this.pool = pool;
    }

    /** True when the tenant has this agent and has not deactivated them. */
    public Uni<Boolean> isActive(String tenantId, String agentId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT active FROM voip_users WHERE tenant_id = $1 AND id = $2")
                        .execute(Tuple.of(tenantId, agentId)))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    return it.hasNext() && it.next().getBoolean("active");
                });
    }

    /** The roles the admin API recorded for an active agent ({@code voip_users.roles}); empty when none is active. */
    public Uni<Optional<List<String>>> rolesOf(String tenantId, String agentId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT roles FROM voip_users WHERE tenant_id = $1 AND id = $2 AND active")
                        .execute(Tuple.of(tenantId, agentId)))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    return it.hasNext() ? Optional.of(List.of(it.next().getArrayOfStrings("roles")))
                            : Optional.empty();
                });
    }

    /** A tenant's active agents, by name: who the local stack's sign-in picker offers. */
    public Uni<List<Map.Entry<String, String>>> activeAgents(String tenantId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT id, name FROM voip_users WHERE tenant_id = $1 AND active"
                                + " ORDER BY name, id")
                        .execute(Tuple.of(tenantId)))
                .map(rows -> {
                    List<Map.Entry<String, String>> agents = new ArrayList<>();
                    rows.forEach(row -> agents.add(Map.entry(row.getString("id"), row.getString("name"))));
                    return agents;
                });
    }

    /** The phone numbers callers dial to reach the tenant ({@code tenant_numbers}). */
    public Uni<List<String>> numbers(String tenantId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT phone_number FROM tenant_numbers WHERE tenant_id = $1"
                                + " ORDER BY phone_number")
                        .execute(Tuple.of(tenantId)))
                .map(rows -> {
                    List<String> numbers = new ArrayList<>();
                    rows.forEach(row -> numbers.add(row.getString("phone_number")));
                    return numbers;
                });
    }

    /** Which of {@code agentIds} the tenant has and has not deactivated: one query, whatever their number. */
    public Uni<Set<String>> activeAmong(String tenantId, Collection<String> agentIds) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT id FROM voip_users WHERE tenant_id = $1 AND id = ANY($2) AND active")
                        .execute(Tuple.of(tenantId, agentIds.toArray(new String[0]))))
                .map(rows -> {
                    Set<String> active = new HashSet<>();
                    rows.forEach(row -> active.add(row.getString("id")));
                    return active;
                });
    }
}
