package io.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.ClientIdentity.TenantAgent;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientIdentityTest {

    @Test
    void twoTenantsAgentsOfTheSameNameHaveDifferentIdentities() {
        assertThat(ClientIdentity.of("acme", "doug")).isEqualTo("acme__doug");
        assertThat(ClientIdentity.of("globex", "doug")).isEqualTo("globex__doug");
    }

    @Test
    void charactersTwilioDoesNotTakeAreEscaped() {
        assertThat(ClientIdentity.of("_canary", "jean-luc")).isEqualTo("_005fcanary__jean_002dluc");
        assertThat(ClientIdentity.of("a_", "_b")).isEqualTo("a_005f___005fb");
        assertThat(ClientIdentity.parse("a_005f___005fb")).contains(new TenantAgent("a_", "_b"));
    }

    @Test
    void whatIsNotOfTheFormNamesNobody() {
        assertThat(ClientIdentity.parse("doug")).isEmpty(); // the identity before tenants were named
        assertThat(ClientIdentity.parse("__doug")).isEmpty();
        assertThat(ClientIdentity.parse("acme__")).isEmpty();
        assertThat(ClientIdentity.parse("acme__d_006fug")).isEmpty(); // an escaped letter: not how "doug" is written
        assertThat(ClientIdentity.parse("acme__do_12")).isEmpty();
        assertThat(ClientIdentity.parse("acme__do-ug")).isEmpty();
        assertThat(ClientIdentity.parse(null)).isEmpty();
    }

    /** Any two ids, however odd, give an identity Twilio takes and that reads back as exactly those ids. */
    @Test
    void anyIdsReadBackFromTheirIdentity() {
        Random random = new Random(6);
        String alphabet = "ab_-_.:@é__Z9 ";
        for (int i = 0; i < 5_000; i++) {
            String tenant = randomId(random, alphabet);
            String agent = randomId(random, alphabet);
            String identity = ClientIdentity.of(tenant, agent);

            assertThat(identity).matches("[A-Za-z0-9_]+");
            assertThat(ClientIdentity.parse(identity)).as(identity).contains(new TenantAgent(tenant, agent));
        }
    }

    @Test
    void anIdentityTooLongForTwilioIsNotUsable() {
        assertThat(ClientIdentity.usable(ClientIdentity.of("acme", "doug"))).isTrue();
        assertThat(ClientIdentity.usable(ClientIdentity.of("acme", "d".repeat(120)))).isFalse();
    }

    private static String randomId(Random random, String alphabet) {
        StringBuilder id = new StringBuilder();
        for (int n = 1 + random.nextInt(6); n > 0; n--) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
