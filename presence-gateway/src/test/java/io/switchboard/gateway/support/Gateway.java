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

    /** A tenant of its own for a test, so no other test's connections or changes show up in what it checks. */
    public static void seedTenant(String tenant, String... agents) {
        StringBuilder sql = new StringBuilder("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', '" + tenant
                + "') ON CONFLICT DO NOTHING;");
        for (String agent : agents) {
            sql.append("INSERT INTO voip_users (tenant_id, id, name) VALUES ('").append(tenant).append("', '")
                    .append(agent).append("', '").append(agent).append("') ON CONFLICT (tenant_id, id) DO UPDATE SET")
                    .append(" active = true;");
        }
        CallStateDouble.sql(sql.toString());
    }

    /**
     * How a test with a tenant of its own starts: the gateway ready, the tenant seeded with its agents, and a fresh
     * {@link CallStateDouble} to play call-state for it, which the test closes after itself.
     */
    public static CallStateDouble readyFor(String tenant, String... agents) {
        awaitReady();
        seedTenant(tenant, agents);
        return new CallStateDouble();
    }

    /**
     * The sum of a Prometheus series on /q/metrics whose labels contain all of {@code labels} (e.g. cause="gap").
     *
     * <p>Asks for the plain-text format, and reads a sample's value before any exemplar. Without an Accept header
     * Quarkus answers in OpenMetrics, and with tracing on a counter's line ends in an exemplar, the trace of one
     * increment: {@code name_total 2.0 # {span_id="…",trace_id="…"} 1.0 1795308320.168}. Its last field is the
     * exemplar's timestamp, which stays the same while the exemplar is kept (seconds), however far the counter
     * climbs: read as the value, a test waiting for the counter to move waits forever.
     */
    public static double metric(String name, String... labels) {
        String metrics = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(Gateway::sampleValue)
                .sum();
    }

    /** The value of one sample line: its last field, once an exemplar ({@code # {…} value timestamp}) is cut off. */
    static double sampleValue(String line) {
        int exemplar = line.indexOf(" # ");
        String sample = (exemplar >= 0 ? line.substring(0, exemplar) : line).strip();
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}
