package io.switchboard.gateway.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.contract.db.TenantScope;
import io.switchboard.gateway.support.Gateway;
import io.switchboard.stack.SwitchboardTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's pool logs in as the gateway's own role, and {@link TenantScope} is what lets it see a tenant's rows:
 * a query that forgets its tenant filter sees that tenant's agents only, and without the scope none at all.
 */
@QuarkusTest
@WithTestResource(value = SwitchboardTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class TenantScopeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CARELESS = "SELECT DISTINCT tenant_id FROM voip_users ORDER BY tenant_id";

    @Inject
    Pool pool;

    @BeforeEach
    void twoTenants() {
        Gateway.awaitReady();
        Gateway.seedTenant("scope-a", "ann");
        Gateway.seedTenant("scope-b", "bob");
    }

    @Test
    void theGatewayIsNotTheOwner() {
        String user = pool.query("SELECT current_user").execute().await().atMost(WAIT).iterator().next().getString(0);
        assertThat(user).isEqualTo("presence_gateway");
    }

    @Test
    void aQueryWithoutTenantFilterSeesTheScopesTenantOnly() {
        assertThat(tenants(TenantScope.read(pool, "scope-a", c -> c.query(CARELESS).execute())
                .await().atMost(WAIT))).containsExactly("scope-a");
        assertThat(tenants(TenantScope.readOnePicture(pool, "scope-b", c -> c.query(CARELESS).execute())
                .await().atMost(WAIT))).containsExactly("scope-b");
        // The tenant ended with its transaction: the pooled connection does not carry it on.
        assertThat(tenants(pool.query(CARELESS).execute().await().atMost(WAIT))).isEmpty();
    }

    @Test
    void aWriteIsRefusedEvenInTheScope() {
        assertThatThrownBy(() -> TenantScope.read(pool, "scope-a",
                        c -> c.query("UPDATE voip_users SET name = 'x'").execute())
                .await().atMost(WAIT)).hasMessageContaining("permission denied");
    }

    @Test
    void noTenantNoQuery() {
        assertThatThrownBy(() -> TenantScope.read(pool, " ", c -> c.query(CARELESS).execute())
                .await().atMost(WAIT)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> tenants(RowSet<Row> rows) {
        List<String> tenants = new ArrayList<>();
        rows.forEach(row -> tenants.add(row.getString("tenant_id")));
        return tenants;
    }
}
