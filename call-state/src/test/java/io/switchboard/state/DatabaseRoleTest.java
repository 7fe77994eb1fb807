package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * call-state works as its own login, a member of switchboard_call_state, and migrated the schema as the owner: what
 * production does (docs/operations.md, "Database roles").
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, initArgs = @ResourceArg(name = "migrate", value = "false"))
@WithTestResource(TwilioSimulatorResource.class)
class DatabaseRoleTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void itWorksAsItsOwnLoginAndMigratedAsTheOwner() throws Exception {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("""
                        SELECT current_user, r.rolsuper, r.rolbypassrls,
                               pg_has_role(current_user, 'switchboard_call_state', 'USAGE') AS member,
                               (SELECT tableowner FROM pg_tables WHERE tablename = 'active_calls') AS owner
                        FROM pg_roles r WHERE r.rolname = current_user""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("current_user")).isEqualTo("call_state");
            assertThat(rs.getBoolean("rolsuper")).isFalse();
            assertThat(rs.getBoolean("rolbypassrls")).isFalse();
            assertThat(rs.getBoolean("member")).isTrue();
            assertThat(rs.getString("owner")).isEqualTo(SwitchboardTestResource.postgres().user());
        }
    }
}
