package io.switchboard.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.contract.Json;
import io.switchboard.contract.Roles;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tenants in PostgreSQL, as the platform operator sees them: created in one transaction with their numbers, first
 * admins and time zone, every row audited in {@code admin_audit} with the actor {@value #ACTOR}; listed and shown.
 */
public final class Tenants {
    /** Who {@code admin_audit} names for the operator's writes (an admin's writes name the admin's agent id). */
    public static final String ACTOR = "operator";

    /** {@code admin_audit.action} of each write this tool makes. */
    public static final String CREATE_TENANT = "create_tenant";
    public static final String ADD_NUMBER = "add_number";
    public static final String CREATE_AGENT = "create_agent";
    public static final String SET_TIME_ZONE = "set_time_zone";

    private static final String UNIQUE_VIOLATION = "23505";

    /** A tenant in the list: its agents are those still active. */
    public record Summary(String id, String name, List<String> numbers, int agents) {
    }

    public record Agent(String id, String name, List<String> roles, boolean active) {
    }

    /** @param timeZone the call-handling zone; null when the tenant has no {@code call_handling} row */
    public record Detail(String id, String name, OffsetDateTime createdAt, List<String> numbers, List<Agent> agents,
            String timeZone) {
    }

    private final Connection connection;

    /** @param connection as the owner role (the migrations' role): this tool writes what no service may */
    public Tenants(Connection connection) {
        this.connection = connection;
    }

    /**
     * Writes the tenant, its numbers, its admins and its time zone, and an audit row for each, in one transaction:
     * all of it or, refused or failed, nothing.
     *
     * @throws Refused when the tenant exists or another tenant has one of the numbers (naming which)
     */
    public void create(NewTenant tenant) throws Refused, SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            List<String> conflicts = conflicts(tenant);
            if (!conflicts.isEmpty()) {
                throw new Refused(conflicts);
            }
            update("INSERT INTO tenants (id, name) VALUES (?, ?)", tenant.id(), tenant.name());
            audit(tenant.id(), CREATE_TENANT, tenant.id(), fields("id", tenant.id(), "name", tenant.name()));
            for (String number : tenant.numbers()) {
                update("INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES (?, ?)", number, tenant.id());
                audit(tenant.id(), ADD_NUMBER, number, fields("phoneNumber", number));
            }
            for (NewTenant.Admin admin : tenant.admins()) {
                try (PreparedStatement s = connection.prepareStatement(
                        "INSERT INTO voip_users (tenant_id, id, name, roles) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, tenant.id());
                    s.setString(2, admin.id());
                    s.setString(3, admin.name());
                    s.setArray(4, connection.createArrayOf("text", Roles.ALL.toArray()));
                    s.executeUpdate();
                }
                ObjectNode after = fields("id", admin.id(), "name", admin.name());
                Roles.ALL.forEach(after.putArray("roles")::add);
                after.put("active", true);
                audit(tenant.id(), CREATE_AGENT, admin.id(), after);
            }
            if (tenant.timeZone() != null) {
                update("INSERT INTO call_handling (tenant_id, time_zone) VALUES (?, ?)", tenant.id(),
                        tenant.timeZone().getId());
                audit(tenant.id(), SET_TIME_ZONE, "call_handling", fields("timeZone", tenant.timeZone().getId()));
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                // Someone wrote the same tenant or number between the checks and the inserts: say who, as the checks
                // would have.
                List<String> conflicts = conflicts(tenant);
                connection.rollback();
                if (!conflicts.isEmpty()) {
                    throw new Refused(conflicts);
                }
            }
            throw e;
        } catch (Refused | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Why the tenant cannot be created as asked, given what the database holds: empty when it can. */
    private List<String> conflicts(NewTenant tenant) throws SQLException {
        List<String> reasons = new ArrayList<>();
        for (String name : rowsOf("SELECT name FROM tenants WHERE id = ?", tenant.id(), rs -> rs.getString(1))) {
            reasons.add("The tenant '" + tenant.id() + "' exists already (" + name + "): choose another id, or see it"
                    + " with: ./switchboard tenant show " + tenant.id());
        }
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT n.phone_number, n.tenant_id, t.name FROM tenant_numbers n JOIN tenants t ON t.id = n.tenant_id
                WHERE n.phone_number = ANY (?) ORDER BY n.phone_number""")) {
            s.setArray(1, connection.createArrayOf("text", tenant.numbers().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reasons.add("The number " + rs.getString(1) + " belongs to the tenant '" + rs.getString(2) + "' ("
                            + rs.getString(3) + "): a number rings for one tenant only.");
                }
            }
        }
        return reasons;
    }

    public List<Summary> list() throws SQLException {
        List<Summary> tenants = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT t.id, t.name,
                       ARRAY(SELECT phone_number FROM tenant_numbers n WHERE n.tenant_id = t.id ORDER BY phone_number),
                       (SELECT count(*) FROM voip_users u WHERE u.tenant_id = t.id AND u.active)
                FROM tenants t ORDER BY t.id""");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tenants.add(new Summary(rs.getString(1), rs.getString(2), strings(rs.getArray(3)), rs.getInt(4)));
            }
        }
        return tenants;
    }

    /** @throws Refused when there is no such tenant */
    public Detail show(String id) throws Refused, SQLException {
        Detail tenant = rowsOf("SELECT name, created_at FROM tenants WHERE id = ?", id, rs -> new Detail(id,
                rs.getString(1), rs.getObject(2, OffsetDateTime.class), List.of(), List.of(), null))
                .stream().findFirst()
                .orElseThrow(() -> new Refused("No tenant '" + id + "': ./switchboard tenant list shows them all."));
        List<String> numbers = rowsOf("SELECT phone_number FROM tenant_numbers WHERE tenant_id = ?"
                + " ORDER BY phone_number", id, rs -> rs.getString(1));
        List<Agent> agents = rowsOf("SELECT id, name, roles, active FROM voip_users WHERE tenant_id = ? ORDER BY id", id,
                rs -> new Agent(rs.getString(1), rs.getString(2), strings(rs.getArray(3)), rs.getBoolean(4)));
        String timeZone = rowsOf("SELECT time_zone FROM call_handling WHERE tenant_id = ?", id, rs -> rs.getString(1))
                .stream().findFirst().orElse(null);
        return new Detail(id, tenant.name(), tenant.createdAt(), numbers, agents, timeZone);
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> rowsOf(String sql, String parameter, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
        }
        return rows;
    }

    private void update(String sql, String... values) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setString(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }

    /** At the transaction's time: every row of one creation carries the same moment. */
    private void audit(String tenantId, String action, String subject, ObjectNode after) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                INSERT INTO admin_audit (tenant_id, at, actor, action, subject, before, after)
                VALUES (?, now(), ?, ?, ?, NULL, ?::jsonb)""")) {
            s.setString(1, tenantId);
            s.setString(2, ACTOR);
            s.setString(3, action);
            s.setString(4, subject);
            s.setString(5, Json.MAPPER.writeValueAsString(after));
            s.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An audit row could not be written as JSON", e);
        }
    }

    private static ObjectNode fields(String... namesAndValues) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
