package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read-only roles of migration V16, as the services log in with them: with the tenant set, a query without any
 * tenant filter returns that tenant's rows only; with none set, no rows; every write is refused. Two tenants' rows are
 * in every table each role reads.
 */
class ServiceRolesTest {
    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";

    /** Each read role's tables, and the column that names a row's tenant. */
    private static final Map<DatabaseLogin, Map<String, String>> READS = Map.of(
            DatabaseLogin.CALL_INGEST, Map.of("call_handling", "tenant_id"),
            DatabaseLogin.PRESENCE_GATEWAY, Map.ofEntries(Map.entry("tenants", "id"),
                    Map.entry("tenant_numbers", "tenant_id"), Map.entry("voip_users", "tenant_id"),
                    Map.entry("active_calls", "tenant_id"), Map.entry("call_history", "tenant_id"),
                    Map.entry("call_parks", "tenant_id"), Map.entry("call_steps", "tenant_id"),
                    Map.entry("voicemails", "tenant_id"), Map.entry("call_handling", "tenant_id"),
                    Map.entry("admin_audit", "tenant_id"), Map.entry("wallboards", "tenant_id")));

    private static LocalPostgres postgres;

    @BeforeAll
    static void twoTenantsInEveryTable() {
        // Migrated before any role exists: the migration makes the group roles itself.
        postgres = LocalPostgres.start(0, null).migrate();
        postgres.createLogins();
        for (String tenant : List.of(ACME, GLOBEX)) {
            postgres.execute(("""
                    INSERT INTO tenants (id, name) VALUES ('%1$s', '%1$s');
                    INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+1555%2$s', '%1$s');
                    INSERT INTO voip_users (tenant_id, id, name) VALUES ('%1$s', 'doug', 'Doug');
                    INSERT INTO active_calls (call_sid, tenant_id, from_number, to_number, state, started_at)
                        VALUES ('CA-%1$s', '%1$s', '+15550001', '+1555%2$s', 'RINGING', now());
                    INSERT INTO call_history (call_sid, tenant_id, from_number, to_number, started_at, ended_at,
                                              end_reason, outcome)
                        VALUES ('CH-%1$s', '%1$s', '+15550001', '+1555%2$s', now(), now(), 'completed', 'abandoned');
                    INSERT INTO call_parks (call_sid, tenant_id, slot, parked_by, parked_at)
                        VALUES ('CH-%1$s', '%1$s', 701, 'doug', now());
                    INSERT INTO call_steps (tenant_id, call_sid, step, at) VALUES ('%1$s', 'CH-%1$s', 'rang', now());
                    INSERT INTO voicemails (id, tenant_id, call_sid, from_number, to_number, recorded_at,
                                            duration_seconds, recording_url)
                        VALUES ('RE-%1$s', '%1$s', 'CH-%1$s', '+15550001', '+1555%2$s', now(), 5, 'https://x/%1$s');
                    INSERT INTO call_handling (tenant_id) VALUES ('%1$s');
                    INSERT INTO admin_audit (tenant_id, at, actor, action) VALUES ('%1$s', now(), 'doug', 'add_agent');
                    INSERT INTO wallboards (tenant_id, seq, figures) VALUES ('%1$s', 1, '{}');
                    """).formatted(tenant, tenant.equals(ACME) ? "0000001" : "0000002"));
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CALL_INGEST", "PRESENCE_GATEWAY"})
    void withTheTenantSetAQueryWithoutFilterSeesThatTenantsRowsOnly(DatabaseLogin login) throws SQLException {
        try (Connection c = postgres.connect(login)) {
            c.setAutoCommit(false);
            asTenant(c, ACME);
            READS.get(login).forEach((table, tenantColumn) -> assertThat(tenantsIn(c, table, tenantColumn))
                    .as(table).containsExactly(ACME));
            c.rollback();

            asTenant(c, GLOBEX);
            READS.get(login).forEach((table, tenantColumn) -> assertThat(tenantsIn(c, table, tenantColumn))
                    .as(table).containsExactly(GLOBEX));
            c.rollback();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CALL_INGEST", "PRESENCE_GATEWAY"})
    void withNoTenantSetNothingIsSeen(DatabaseLogin login) throws SQLException {
        try (Connection c = postgres.connect(login)) {
            READS.get(login).forEach((table, tenantColumn) -> assertThat(tenantsIn(c, table, tenantColumn))
                    .as(table).isEmpty());
            // Nor once a transaction that set one is over: the setting ends with it.
            c.setAutoCommit(false);
            asTenant(c, ACME);
            c.commit();
            READS.get(login).forEach((table, tenantColumn) -> assertThat(tenantsIn(c, table, tenantColumn))
                    .as(table + " after the tenant's transaction").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CALL_INGEST", "PRESENCE_GATEWAY"})
    void everyWriteIsRefused(DatabaseLogin login) throws SQLException {
        try (Connection c = postgres.connect(login)) {
            for (String table : READS.get(login).keySet()) {
                for (String write : List.of("INSERT INTO " + table + " DEFAULT VALUES",
                        "UPDATE " + table + " SET " + READS.get(login).get(table) + " = 'x'",
                        "DELETE FROM " + table, "TRUNCATE " + table)) {
                    assertThatThrownBy(() -> execute(c, write)).as(write).isInstanceOf(SQLException.class)
                            .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"CALL_INGEST", "PRESENCE_GATEWAY"})
    void theRoleReadsExactlyTheTablesAbove(DatabaseLogin login) throws SQLException {
        try (Connection c = postgres.connect()) {
            assertThat(readableTables(c, login.group())).isEqualTo(new TreeSet<>(READS.get(login).keySet()));
        }
    }

    @Test
    void theGatewayReadsOnlyTheColumnsItShows() throws SQLException {
        try (Connection c = postgres.connect(DatabaseLogin.PRESENCE_GATEWAY)) {
            for (String query : List.of("SELECT agent_leg_sid FROM active_calls", "SELECT * FROM twilio_actions",
                    "SELECT name FROM tenants", "SELECT payload FROM outbox", "SELECT * FROM agent_connections")) {
                assertThatThrownBy(() -> execute(c, query)).as(query).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
            }
        }
    }

    @Test
    void callIngestFindsANumbersTenantWithoutReadingEveryTenantsNumbers() throws SQLException {
        try (Connection c = postgres.connect(DatabaseLogin.CALL_INGEST)) {
            assertThat(tenantOf(c, "+15550000001")).isEqualTo(ACME);
            assertThat(tenantOf(c, "+15550000002")).isEqualTo(GLOBEX);
            assertThat(tenantOf(c, "+19999999999")).isNull();
            assertThatThrownBy(() -> execute(c, "SELECT phone_number FROM tenant_numbers"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
        // Nobody else may call it.
        try (Connection c = postgres.connect(DatabaseLogin.PRESENCE_GATEWAY)) {
            assertThatThrownBy(() -> tenantOf(c, "+15550000001")).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
    }

    @Test
    void callStateSeesEveryTenantAndWrites() throws SQLException {
        try (Connection c = postgres.connect(DatabaseLogin.CALL_STATE)) {
            c.setAutoCommit(false);
            assertThat(tenantsIn(c, "voip_users", "tenant_id")).containsExactly(ACME, GLOBEX);
            execute(c, "INSERT INTO tenants (id, name) VALUES ('initech', 'Initech')");
            execute(c, "INSERT INTO call_steps (tenant_id, call_sid, step, at)"
                    + " VALUES ('initech', 'CA1', 'rang', now())");
            execute(c, "UPDATE tenants SET seq = seq + 1 WHERE id = 'initech'");
            execute(c, "UPDATE voip_users SET status = 'away' WHERE tenant_id = 'globex'");
            execute(c, "DELETE FROM call_steps WHERE tenant_id = 'initech'");
            c.rollback();
        }
    }

    /**
     * Roles are the server's: a second database on the same server migrates with them made already, here as
     * CloudNativePG's owner would, neither superuser nor allowed to create roles.
     */
    @Test
    void aSecondDatabaseOnTheServerMigratesToo() throws SQLException {
        postgres.execute("CREATE ROLE second_owner LOGIN NOSUPERUSER NOCREATEROLE PASSWORD 'local-only'");
        postgres.execute("CREATE DATABASE switchboard_second OWNER second_owner");
        String url = postgres.jdbcUrl().replace("/" + LocalPostgres.DATABASE, "/switchboard_second");
        Flyway.configure().dataSource(url, "second_owner", "local-only").locations("classpath:db/migration")
                .load().migrate();
        try (Connection owner = java.sql.DriverManager.getConnection(url, "second_owner", "local-only")) {
            execute(owner, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
        }
        try (Connection c = java.sql.DriverManager.getConnection(url, DatabaseLogin.PRESENCE_GATEWAY.user(),
                DatabaseLogin.PASSWORD)) {
            c.setAutoCommit(false);
            asTenant(c, GLOBEX);
            assertThat(tenantsIn(c, "tenants", "id")).containsExactly(GLOBEX);
            c.rollback();
        }
    }

    static void asTenant(Connection c, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('switchboard.tenant_id', ?, true)")) {
            s.setString(1, tenant);
            s.execute();
        }
    }

    /** The tenant of every row the connection sees in the table, with no WHERE: the query a careless reader makes. */
    private static List<String> tenantsIn(Connection c, String table, String tenantColumn) {
        List<String> tenants = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + tenantColumn + " FROM " + table + " ORDER BY 1")) {
            while (rs.next()) {
                tenants.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(table + ": " + e.getMessage(), e);
        }
        return tenants.stream().distinct().toList();
    }

    private static String tenantOf(Connection c, String number) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT switchboard_tenant_of(?)")) {
            s.setString(1, number);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The tables of the schema a role may read a column of. */
    static TreeSet<String> readableTables(Connection owner, String role) throws SQLException {
        TreeSet<String> tables = new TreeSet<>();
        try (PreparedStatement s = owner.prepareStatement("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND has_any_column_privilege(?, c.oid, 'SELECT')""")) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }
}
