package io.switchboard.gateway.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** The gateway under test. */
public final class Gateway {
    private Gateway() {
    }

    /** Ready means Postgres answers and both Kafka consumers have their partitions. */
    public static void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    /** Tenant {@code globex} with agent {@code gina}, beside the seeded {@code acme}. */
    public static void seedSecondTenant() {
        CallStateDouble.sql("""
                INSERT INTO tenants (id, name) VALUES ('globex', 'Globex') ON CONFLICT DO NOTHING;
                INSERT INTO voip_users (tenant_id, id, name) VALUES ('globex', 'gina', 'Gina') ON CONFLICT DO NOTHING;
                """);
    }

    /** A deactivated agent of {@code acme}: known, but must not connect or appear in snapshots. */
    public static void seedRetiredAgent() {
        CallStateDouble.sql("INSERT INTO voip_users (tenant_id, id, name, active) VALUES ('acme', 'retired', 'Retired',"
                + " false) ON CONFLICT DO NOTHING");
    }
}
