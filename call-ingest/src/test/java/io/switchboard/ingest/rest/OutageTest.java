package io.switchboard.ingest.rest;

import static io.switchboard.ingest.support.TwilioWebhooks.HOLD;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.form;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.publish.TwilioEventPublisher;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.stack.LocalKafka;
import io.switchboard.stack.LocalPostgres;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kafka and PostgreSQL going away and coming back. Its own profile, so it gets its own broker and database and the
 * other test classes never see them stopped.
 */
@QuarkusTest
@TestProfile(OutageTest.Outages.class)
@WithTestResource(SwitchboardTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageTest {

    public static class Outages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of();
        }
    }

    private static final String READINESS = "/q/health/ready";

    @Inject
    IngestConfig config;

    @Test
    @Order(1)
    void withKafkaDownWebhooksGet503InBoundedTimeAndAreAcceptedOnceItIsBack() {
        // Ready before the first webhook: readiness must not wait for traffic that only comes once ready.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get(READINESS).then()
                .statusCode(200)
                .body(containsString(TwilioEventPublisher.CHANNEL)));
        post(INCOMING, incomingCall(newCallSid())).then().statusCode(200);
        LocalKafka kafka = SwitchboardTestResource.kafka();

        kafka.stop();
        try {
            String callSid = newCallSid();
            long started = System.nanoTime();
            Response response = post(INCOMING, incomingCall(callSid));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            response.then()
                    .statusCode(503)
                    .contentType(startsWith("text/plain"))
                    .body(containsString("Kafka did not store event incoming:" + callSid));
            assertThat(took).isLessThan(config.ingest().publishTimeout().plusSeconds(1));
            // A parked caller still hears the wait music: Twilio does not retry a wait URL, so a 503 gains nothing.
            post(HOLD + "?tenant=" + TENANT + "&parkedBy=doug&parkedAt=1700000000123",
                    form("CallSid", newCallSid(), "QueueSid", "QU1")).then()
                    .statusCode(200)
                    .body(containsString("<Play loop=\"0\">"));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> RestAssured.get(READINESS).then().statusCode(503));
        } finally {
            kafka.restart();
        }

        String afterRestart = newCallSid();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> post(INCOMING, incomingCall(afterRestart)).then().statusCode(200));
        assertThat(TwilioEventsTopic.about(afterRestart)).isNotEmpty();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> RestAssured.get(READINESS).then().statusCode(200));
    }

    @Test
    @Order(2)
    void withPostgresRefusingConnectionsUnknownNumbersGet503AndCachedOnesStillWork() throws Exception {
        String newNumber = "+15005550077";
        SwitchboardTestResource.postgres().execute("INSERT INTO tenant_numbers (phone_number, tenant_id)"
                + " VALUES ('" + newNumber + "', 'acme') ON CONFLICT DO NOTHING");
        post(INCOMING, incomingCall(newCallSid())).then().statusCode(200); // caches the seed number's tenant

        // From the maintenance database: a database cannot close its doors from the inside.
        LocalPostgres postgres = SwitchboardTestResource.postgres();
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.port()
                + "/postgres", LocalPostgres.USER, ""); Statement sql = admin.createStatement()) {
            sql.execute("ALTER DATABASE " + LocalPostgres.DATABASE + " ALLOW_CONNECTIONS false");
            sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + LocalPostgres.DATABASE + "'");
            try {
                Map<String, String> toNewNumber = incomingCall(newCallSid());
                toNewNumber.put("To", newNumber);
                post(INCOMING, toNewNumber).then()
                        .statusCode(503)
                        .contentType(startsWith("text/plain"))
                        .body(containsString("Could not look up the tenant owning " + newNumber));

                post(INCOMING, incomingCall(newCallSid())).then().statusCode(200);
            } finally {
                sql.execute("ALTER DATABASE " + LocalPostgres.DATABASE + " ALLOW_CONNECTIONS true");
            }
        }

        Map<String, String> toNewNumber = incomingCall(newCallSid());
        toNewNumber.put("To", newNumber);
        post(INCOMING, toNewNumber).then().statusCode(200);
    }
}
