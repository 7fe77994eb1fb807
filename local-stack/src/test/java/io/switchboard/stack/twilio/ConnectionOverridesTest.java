package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.stack.twilio.ConnectionOverrides.Failure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading Twilio's connection overrides from a webhook URL's fragment. */
class ConnectionOverridesTest {

    @Test
    void aUrlWithoutAFragmentGetsTwiliosDefaults() {
        ConnectionOverrides defaults = ConnectionOverrides.of("https://app.test/twilio/voice/incoming?tenant=acme");

        assertThat(defaults).isEqualTo(ConnectionOverrides.DEFAULTS);
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofMillis(5_000));
        assertThat(defaults.readTimeout()).isEqualTo(Duration.ofMillis(15_000));
        assertThat(defaults.totalTime()).isEqualTo(Duration.ofMillis(15_000));
        assertThat(defaults.retryCount()).isEqualTo(1);
        assertThat(defaults.retryPolicy()).containsExactly(Failure.CONNECT);
        assertThat(ConnectionOverrides.of("https://app.test/x#")).isEqualTo(ConnectionOverrides.DEFAULTS);
    }

    @Test
    void everyOverrideIsRead() {
        ConnectionOverrides overrides = ConnectionOverrides.of(
                "https://app.test/x?q=1#ct=1000&rt=3000&tt=10000&rc=3&rp=ct,5xx");

        assertThat(overrides).isEqualTo(new ConnectionOverrides(Duration.ofMillis(1_000), Duration.ofMillis(3_000),
                Duration.ofMillis(10_000), 3, java.util.Set.of(Failure.CONNECT, Failure.SERVER_ERROR)));
        assertThat(overrides.retries(Failure.SERVER_ERROR)).isTrue();
        assertThat(overrides.retries(Failure.CLIENT_ERROR)).isFalse();
        assertThat(overrides.retries(null)).isFalse();
    }

    @Test
    void valuesOutOfRangeAreClampedIntoIt() {
        ConnectionOverrides low = ConnectionOverrides.of("https://app.test/x#ct=1&rt=0&tt=-5&rc=-1");
        ConnectionOverrides high = ConnectionOverrides.of("https://app.test/x#ct=99999&rt=20000&tt=60000&rc=9");

        assertThat(low).isEqualTo(new ConnectionOverrides(Duration.ofMillis(100), Duration.ofMillis(100),
                Duration.ofMillis(100), 0, ConnectionOverrides.DEFAULTS.retryPolicy()));
        assertThat(high).isEqualTo(new ConnectionOverrides(Duration.ofMillis(10_000), Duration.ofMillis(15_000),
                Duration.ofMillis(15_000), 5, ConnectionOverrides.DEFAULTS.retryPolicy()));
    }

    @Test
    void aValueThatIsNotANumberIsTheDefault() {
        ConnectionOverrides overrides = ConnectionOverrides.of("https://app.test/x#ct=fast&rt=&tt=1e4&rc=two&rc");

        assertThat(overrides).isEqualTo(ConnectionOverrides.DEFAULTS);
    }

    @Test
    void theRetryPolicyNamesFailuresOrAllOfThem() {
        assertThat(ConnectionOverrides.of("https://app.test/x#rp=all").retryPolicy())
                .containsExactlyInAnyOrder(Failure.values());
        assertThat(ConnectionOverrides.of("https://app.test/x#rp=4xx, RT").retryPolicy())
                .containsExactlyInAnyOrder(Failure.CLIENT_ERROR, Failure.READ);
        // Unknown names are ignored; with none known the policy stays Twilio's default.
        assertThat(ConnectionOverrides.of("https://app.test/x#rp=5xx,3xx").retryPolicy())
                .containsExactly(Failure.SERVER_ERROR);
        assertThat(ConnectionOverrides.of("https://app.test/x#rp=sometimes").retryPolicy())
                .containsExactly(Failure.CONNECT);
    }

    @Test
    void edgeSniAndUnknownKeysAreIgnored() {
        ConnectionOverrides overrides = ConnectionOverrides.of(
                "https://app.test/x#e=ashburn&sni=unique&color=blue&rc=2");

        assertThat(overrides.retryCount()).isEqualTo(2);
        assertThat(overrides.connectTimeout()).isEqualTo(ConnectionOverrides.DEFAULTS.connectTimeout());
    }

    @Test
    void theFragmentIsCutOffTheUrl() {
        assertThat(ConnectionOverrides.withoutFragment("https://app.test/x?q=1#rc=3&rp=5xx"))
                .isEqualTo("https://app.test/x?q=1");
        assertThat(ConnectionOverrides.withoutFragment("https://app.test/x?q=1")).isEqualTo("https://app.test/x?q=1");
    }

    @Test
    void failuresAreClassedByStatus() {
        assertThat(Failure.ofStatus(404)).isEqualTo(Failure.CLIENT_ERROR);
        assertThat(Failure.ofStatus(429)).isEqualTo(Failure.CLIENT_ERROR);
        assertThat(Failure.ofStatus(503)).isEqualTo(Failure.SERVER_ERROR);
        assertThat(Failure.ofStatus(302)).isNull();
        assertThat(Failure.ofStatus(200)).isNull();
    }
}
