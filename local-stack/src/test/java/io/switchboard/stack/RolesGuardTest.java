package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every migration must keep true, checked on the schema all of them make (docs/architecture.md, "Isolation by
 * PostgreSQL"): a table added later without call-state's rights, or readable by a read role without row-level security
 * by tenant, fails here. V16 says how a migration grants.
 */
class RolesGuardTest {
    private static final List<String> READ_ROLES = List.of(DatabaseLogin.CALL_INGEST.group(),
            DatabaseLogin.PRESENCE_GATEWAY.group());
    private static final String CALL_STATE = DatabaseLogin.CALL_STATE.group();

    private static LocalPostgres postgres;
    private static Connection owner;

    @BeforeAll
    static void migrated() throws SQLException {
        postgres = LocalPostgres.start(0, null).migrate();
        owner = postgres.connect();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (owner != null) {
            owner.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void callStateReadsAndWritesEveryTableAndSequence() throws SQLException {
        assertThat(tablesCallStateCannotWrite()).as("tables call-state may not read and write").isEmpty();
        assertThat(names("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN (SELECT ?::text AS name) r
                WHERE n.nspname = 'public'
                  -- CASE: the function must not be asked about the relations the other conditions leave out.
                  AND CASE WHEN c.relkind = 'S' THEN NOT (has_sequence_privilege(r.name, c.oid, 'USAGE')
                           AND has_sequence_privilege(r.name, c.oid, 'SELECT')
                           AND has_sequence_privilege(r.name, c.oid, 'UPDATE')) END""", CALL_STATE))
                .as("sequences call-state may not use").isEmpty();
    }

    @Test
    void everyTableAReadRoleReadsHasRowLevelSecurityByTenant() throws SQLException {
        for (String role : READ_ROLES) {
            assertThat(ServiceRolesTest.readableTables(owner, role)).as("tables %s reads", role).isNotEmpty();
            assertThat(readableWithoutIsolation(role))
                    .as("tables %s reads without row-level security by tenant", role).isEmpty();
        }
    }

    /** The checks above catch what a later migration forgets, and V16's procedure is what makes a table pass. */
    @Test
    void aTableLeftOpenIsCaught() throws SQLException {
        String gateway = DatabaseLogin.PRESENCE_GATEWAY.group();
        owner.setAutoCommit(false);
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE TABLE wallboard_probe (tenant_id text NOT NULL, figure integer)");
            s.execute("GRANT SELECT (tenant_id, figure) ON wallboard_probe TO " + gateway);
            assertThat(readableWithoutIsolation(gateway)).containsExactly("wallboard_probe");
            // Made by the owner: call-state's rights came by themselves (ALTER DEFAULT PRIVILEGES in V16).
            assertThat(tablesCallStateCannotWrite()).isEmpty();

            s.execute("ALTER TABLE wallboard_probe ENABLE ROW LEVEL SECURITY");
            assertThat(readableWithoutIsolation(gateway)).containsExactly("wallboard_probe");
            assertThat(tablesCallStateCannotWrite()).as("row-level security on, no policy for call-state")
                    .containsExactly("wallboard_probe");

            s.execute("CALL switchboard_isolate_by_tenant('wallboard_probe')");
            assertThat(readableWithoutIsolation(gateway)).isEmpty();
            assertThat(tablesCallStateCannotWrite()).isEmpty();
        } finally {
            owner.rollback();
            owner.setAutoCommit(true);
        }
    }

    /**
     * Tables call-state may not read and write: a privilege missing, or row-level security on without its policy that
     * lets it see and write every row.
     */
    private static TreeSet<String> tablesCallStateCannotWrite() throws SQLException {
        return names("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN (SELECT ?::text AS name) r
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'flyway_schema_history'
                  AND (NOT (has_table_privilege(r.name, c.oid, 'SELECT')
                            AND has_table_privilege(r.name, c.oid, 'INSERT')
                            AND has_table_privilege(r.name, c.oid, 'UPDATE')
                            AND has_table_privilege(r.name, c.oid, 'DELETE'))
                       OR c.relrowsecurity AND NOT EXISTS (
                           SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd = '*'
                             AND (SELECT oid FROM pg_roles WHERE rolname = r.name) = ANY (p.polroles)
                             AND pg_get_expr(p.polqual, p.polrelid) = 'true'
                             AND pg_get_expr(p.polwithcheck, p.polrelid) = 'true'))""", CALL_STATE);
    }

    /**
     * Tables a read role may read a column of without row-level security limiting it to the transaction's tenant: not a
     * table with it on, no policy for the role comparing with switchboard.tenant_id, or another policy for the role
     * (policies for one role add up: any that lets a row through shows it).
     */
    private static TreeSet<String> readableWithoutIsolation(String role) throws SQLException {
        return names("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN (SELECT oid AS role FROM pg_roles WHERE rolname = ?) r
                WHERE n.nspname = 'public' AND has_any_column_privilege(r.role, c.oid, 'SELECT')
                  AND (NOT (c.relkind IN ('r', 'p') AND c.relrowsecurity AND EXISTS (
                           SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd = 'r'
                             AND r.role = ANY (p.polroles)
                             AND pg_get_expr(p.polqual, p.polrelid) LIKE '%current_setting(''switchboard.tenant_id''%'))
                       OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND r.role = ANY (p.polroles)
                                  AND pg_get_expr(p.polqual, p.polrelid) NOT LIKE
                                      '%current_setting(''switchboard.tenant_id''%'))""", role);
    }

    @Test
    void theReadRolesWriteNothing() throws SQLException {
        for (String role : READ_ROLES) {
            assertThat(names("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                      AND (has_table_privilege(?, c.oid, 'INSERT, DELETE, TRUNCATE')
                           OR has_any_column_privilege(?, c.oid, 'INSERT, UPDATE'))""", role, role))
                    .as("tables %s may write (any of the privileges named is enough)", role).isEmpty();
            assertThat(names("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public'
                      -- CASE: the function must not be asked about the tables the other conditions leave out.
                      AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(?, c.oid, 'USAGE, UPDATE') END
                    """, role)).as("sequences %s may advance", role).isEmpty();
        }
    }

    @Test
    void noRoleBypassesRowLevelSecurity() throws SQLException {
        assertThat(names("""
                SELECT rolname FROM pg_roles
                WHERE rolname LIKE 'switchboard\\_%' AND (rolbypassrls OR rolsuper)""")).isEmpty();
    }

    private static TreeSet<String> names(String sql, String... parameters) throws SQLException {
        TreeSet<String> names = new TreeSet<>();
        try (PreparedStatement s = owner.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
