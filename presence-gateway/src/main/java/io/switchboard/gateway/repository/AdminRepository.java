package io.switchboard.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.TenantSettings;
import io.switchboard.contract.db.TenantScope;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the admin API reads: a tenant's agents with their roles, its settings and its audit, all written by call-state.
 * Each read runs as the tenant ({@link TenantScope}): the gateway's role sees no other tenant's rows.
 */
@ApplicationScoped
public class AdminRepository {

    /** An agent as an admin manages them. */
    public record ManagedAgent(String id, String name, List<String> roles, boolean active, String presence,
            String status) {
    }

    /** One admin write: who, when, what, on what, the values before and after. */
    public record AuditRecord(long id, Instant at, String actor, String action, String subject, JsonNode before,
            JsonNode after) {
    }

    private static final String AGENT_COLUMNS = "id, name, roles, active, presence, status";

    private final Pool pool;
    private final ObjectMapper mapper;

    public AdminRepository(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /** Every agent of the tenant, deactivated ones too, by name. */
    public Uni<List<ManagedAgent>> agents(String tenantId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT " + AGENT_COLUMNS + " FROM voip_users WHERE tenant_id = $1"
                                + " ORDER BY name, id")
                        .execute(Tuple.of(tenantId)))
                .map(rows -> {
                    List<ManagedAgent> agents = new ArrayList<>();
                    rows.forEach(row -> agents.add(agent(row)));
                    return agents;
                });
    }

    /** One agent of the tenant; empty when the tenant has none of that id (another tenant's included). */
    public Uni<Optional<ManagedAgent>> agent(String tenantId, String agentId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT " + AGENT_COLUMNS + " FROM voip_users WHERE tenant_id = $1 AND id = $2")
                        .execute(Tuple.of(tenantId, agentId)))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(agent(rows.iterator().next())) : Optional.empty());
    }

    /** The tenant's settings as call-state reads them before a write ({@code tenant_settings()}, migration V15). */
    public Uni<TenantSettings> settings(String tenantId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT tenant_settings($1)::text AS settings").execute(Tuple.of(tenantId)))
                .map(rows -> {
                    String json = rows.iterator().next().getString("settings");
                    try {
                        return mapper.readValue(json, TenantSettings.class);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("tenant_settings() gave what is no TenantSettings", e);
                    }
                });
    }

    /** The tenant's admin writes, newest first: {@code limit} of them, older than {@code beforeId} when given. */
    public Uni<List<AuditRecord>> audit(String tenantId, Long beforeId, int limit) {
        return TenantScope.read(pool, tenantId, connection -> connection.preparedQuery("""
                        SELECT id, at, actor, action, subject, before::text AS before, after::text AS after
                        FROM admin_audit WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2)
                        ORDER BY id DESC LIMIT $3""")
                        .execute(Tuple.of(tenantId, beforeId, limit)))
                .map(rows -> {
                    List<AuditRecord> records = new ArrayList<>();
                    rows.forEach(row -> records.add(new AuditRecord(row.getLong("id"),
                            row.getOffsetDateTime("at").toInstant(), row.getString("actor"), row.getString("action"),
                            row.getString("subject"), json(row.getString("before")), json(row.getString("after")))));
                    return records;
                });
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin_audit holds what is not JSON", e);
        }
    }

    private static ManagedAgent agent(Row row) {
        return new ManagedAgent(row.getString("id"), row.getString("name"), List.of(row.getArrayOfStrings("roles")),
                row.getBoolean("active"), row.getString("presence"), row.getString("status"));
    }
}
