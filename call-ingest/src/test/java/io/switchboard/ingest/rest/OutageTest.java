package io.switchboard.ingest.rest;

import static io.switchboard.ingest.support.TwilioWebhooks.CALLER;
import static io.switchboard.ingest.support.TwilioWebhooks.FORWARD;
import static io.switchboard.ingest.support.TwilioWebhooks.HOLD;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.NUMBER;
import static io.switchboard.ingest.support.TwilioWebhooks.STATUS;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.form;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.switchboard.ingest.journal.EventJournal;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.stack.LocalKafka;
import io.switchboard.stack.LocalPostgres;
import io.switchboard.stack.PostgresServer;
import io.switchboard.stack.SwitchboardTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kafka and PostgreSQL going away and coming back: webhooks are still answered, from the journal and the owners this
 * pod remembers, and reach Kafka once it is back. Its own profile, so it gets its own broker and database and the other
 * test classes never see them stopped.
 */
@QuarkusTest
@TestProfile(OutageTest.Outages.class)
@WithTestResource(SwitchboardTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageTest {

    public static class Outages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Every webhook asks PostgreSQL for its number's owner: the outage below meets no fresh memory of it.
            return Map.of("switchboard.ingest.tenant-cache-ttl", "0s");
        }
    }

    private static final String READINESS = "/q/health/ready";

    @Inject
    EventJournal journal;

    @Test
    @Order(1)
    void withKafkaDownWebhooksAreAnsweredAtOnceAndReachKafkaOnceItIsBack() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get(READINESS).then().statusCode(200));
        String callSid = newCallSid();
        // Stopped and started again on its port, which only the embedded broker does.
        assumeTrue(SwitchboardTestResource.kafka() instanceof LocalKafka, "the embedded Kafka broker");
        LocalKafka kafka = (LocalKafka) SwitchboardTestResource.kafka();

        kafka.stop();
        try {
            long started = System.nanoTime();
            post(INCOMING, incomingCall(callSid)).then()
                    .statusCode(200)
                    .body(containsString("<Enqueue"));
            // A webhook that waited for Kafka would block for the producer's max.block.ms (3 s) at least.
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the caller is queued without waiting for Kafka").isLessThan(Duration.ofSeconds(3));
            post(STATUS + "?tenant=" + TENANT, form("CallSid", callSid, "CallStatus", "completed", "Direction",
                    "inbound", "From", CALLER, "To", NUMBER, "SequenceNumber", "1")).then().statusCode(200);
            post(HOLD + "?tenant=" + TENANT + "&parkedBy=doug&parkedAt=1700000000123",
                    form("CallSid", newCallSid(), "QueueSid", "QU1")).then()
                    .statusCode(200)
                    .body(containsString("<Play loop=\"0\">"));
            await().atMost(Duration.ofSeconds(30)).until(() -> journal.kafkaAwaySince().isPresent());
            assertThat(journal.waiting()).as("webhooks waiting for Kafka").isGreaterThanOrEqualTo(3);
            RestAssured.get(READINESS).then()
                    .statusCode(200)
                    .body(containsString("waitingForKafka"));
        } finally {
            kafka.restart();
        }

        // An attempt the producer still held when Kafka came back may be stored as well as the forwarder's resend, and
        // before the resend of an earlier event: call-state applies an event id once and remembers an end that
        // overtakes the call's incoming event (CallDeciderTest).
        List<String> delivered = TwilioEventsTopic.about(callSid).stream()
                .map(p -> p.event().eventId()).distinct().toList();
        assertThat(delivered).as("every webhook, none lost")
                .containsExactlyInAnyOrder("incoming:" + callSid, "status:" + callSid + ":1");
        assertThat(journal.kafkaAwaySince()).isEmpty();
    }

    @Test
    @Order(2)
    void withPostgresRefusingConnectionsNumbersSeenBeforeKeepTheirOwnerAndOthersGet503() throws Exception {
        String newNumber = "+15005550077";
        SwitchboardTestResource.postgres().execute("INSERT INTO tenant_numbers (phone_number, tenant_id)"
                + " VALUES ('" + newNumber + "', 'acme') ON CONFLICT DO NOTHING");
        post(INCOMING, incomingCall(newCallSid())).then().statusCode(200); // PostgreSQL names the seed number's owner
        // The seed tenant forwards; this pod reads that once before the outage.
        SwitchboardTestResource.postgres().execute("INSERT INTO call_handling (tenant_id, at_limit, forward_to)"
                + " VALUES ('acme', 'forward', '+15005550199') ON CONFLICT (tenant_id) DO UPDATE"
                + " SET at_limit = 'forward', forward_to = '+15005550199'");
        post(FORWARD + "?tenant=" + TENANT, incomingCall(newCallSid())).then()
                .statusCode(200)
                .body(containsString(">+15005550199</Dial>"));

        // From the maintenance database: a database cannot close its doors from the inside.
        PostgresServer postgres = SwitchboardTestResource.postgres();
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl().replace("/" + LocalPostgres.DATABASE,
                "/postgres"), postgres.user(), postgres.password()); Statement sql = admin.createStatement()) {
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

                String callSid = newCallSid();
                post(INCOMING, incomingCall(callSid)).then().statusCode(200).body(containsString("<Enqueue"));
                assertThat(TwilioEventsTopic.single(callSid).key()).isEqualTo(TENANT);

                // A tenant's call handling: as this pod last read it, else the defaults (open, voicemail).
                post(FORWARD + "?tenant=" + TENANT, incomingCall(newCallSid())).then()
                        .statusCode(200)
                        .body(containsString(">+15005550199</Dial>"));
                post(FORWARD + "?tenant=never-read", incomingCall(newCallSid())).then()
                        .statusCode(200)
                        .body(containsString("<Record "));
                RestAssured.get(READINESS).then().statusCode(200);
            } finally {
                sql.execute("ALTER DATABASE " + LocalPostgres.DATABASE + " ALLOW_CONNECTIONS true");
            }
        }

        Map<String, String> toNewNumber = incomingCall(newCallSid());
        toNewNumber.put("To", newNumber);
        post(INCOMING, toNewNumber).then().statusCode(200);
    }
}
