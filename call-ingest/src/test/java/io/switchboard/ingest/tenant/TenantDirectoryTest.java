package io.switchboard.ingest.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.switchboard.ingest.mapping.TwilioWebhook;
import io.switchboard.stack.SwitchboardTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class TenantDirectoryTest {
    @Inject
    TenantDirectory tenants;

    @Inject
    Pool pool;

    /** Its own login, which may not read tenant_numbers: the owner of a number comes from switchboard_tenant_of. */
    @Test
    void numbersAreLookedUpAsCallIngestsOwnLogin() {
        assertThat(pool.query("SELECT current_user").execute().await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getString(0)).isEqualTo("call_ingest");
        assertThatThrownBy(() -> pool.query("SELECT tenant_id FROM tenant_numbers").execute().await()
                .atMost(Duration.ofSeconds(10))).hasMessageContaining("permission denied");
    }

    @Test
    void webhooksForOneNumberWaitForTheLookupRunningForItInsteadOfQueueingTheirOwn() throws Exception {
        // After a restart, Twilio's retries for many calls to one number arrive together, with nothing cached.
        String number = "+15005550777";
        List<CompletableFuture<Optional<String>>> owners = new ArrayList<>();
        // The pool has its connection already, as it has once call-ingest answered its first webhook.
        assertThat(tenants.tenantOf(webhookTo(SwitchboardTestResource.NUMBER, "CA-FIRST")).subscribeAsCompletionStage()
                .get(5, TimeUnit.SECONDS)).contains(SwitchboardTestResource.TENANT);
        try (Connection admin = SwitchboardTestResource.postgres().connect()) {
            admin.setAutoCommit(false);
            admin.createStatement().execute("INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('" + number
                    + "', '" + SwitchboardTestResource.TENANT + "')");
            // A slow PostgreSQL: every lookup waits until this transaction ends.
            admin.createStatement().execute("LOCK TABLE tenant_numbers IN ACCESS EXCLUSIVE MODE");
            // The first webhook gives up while the lookup runs (Twilio hung up on it): the others still get the owner.
            Cancellable gaveUp = tenants.tenantOf(webhookTo(number, "CA-GAVE-UP")).subscribe().with(owner -> {
            }, failure -> {
            });
            for (int i = 0; i < 20; i++) {
                owners.add(tenants.tenantOf(webhookTo(number, "CA-STORM-" + i)).subscribeAsCompletionStage());
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> lookupsWaiting(admin) == 1);
            Thread.sleep(200); // time for a second lookup to show up, if one were sent
            assertThat(lookupsWaiting(admin)).as("lookups PostgreSQL was sent for one number").isEqualTo(1);
            gaveUp.cancel();
            admin.commit();
        }

        for (CompletableFuture<Optional<String>> owner : owners) {
            assertThat(owner.get(5, TimeUnit.SECONDS)).contains(SwitchboardTestResource.TENANT);
        }
        // Once answered, the owner is remembered: no lookup, at once.
        assertThat(tenants.tenantOf(webhookTo(number, "CA-LATER")).subscribeAsCompletionStage()
                .getNow(Optional.empty())).contains(SwitchboardTestResource.TENANT);
    }

    @Test
    void aNumberNobodyOwnsIsAskedAgainSoANumberAddedToATenantWorksAtOnce() throws Exception {
        String number = "+15005550778";
        assertThat(tenants.tenantOf(webhookTo(number, "CA-BEFORE")).subscribeAsCompletionStage()
                .get(5, TimeUnit.SECONDS)).isEmpty();

        SwitchboardTestResource.postgres().execute("INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('"
                + number + "', '" + SwitchboardTestResource.TENANT + "')");

        assertThat(tenants.tenantOf(webhookTo(number, "CA-AFTER")).subscribeAsCompletionStage()
                .get(5, TimeUnit.SECONDS)).contains(SwitchboardTestResource.TENANT);
    }

    private static long lookupsWaiting(Connection admin) throws Exception {
        ResultSet rs = admin.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                + " WHERE query LIKE 'SELECT switchboard_tenant_of(%' AND state = 'active'");
        rs.next();
        return rs.getLong(1);
    }

    private static TwilioWebhook webhookTo(String number, String callSid) {
        return new TwilioWebhook(callSid, null, "+15551230000", number, "ringing", "inbound", null, null, null, null,
                null, false, null, null, null, null, null, null, null);
    }
}
