package io.switchboard.gateway.voice;

import static io.switchboard.gateway.support.TwilioVoice.ACCOUNT;
import static io.switchboard.gateway.support.TwilioVoice.KEY;
import static io.switchboard.gateway.support.TwilioVoice.SECRET;
import static io.switchboard.gateway.support.TwilioVoice.verifiedClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.gateway.config.GatewayConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoiceTokensTest {
    final VoiceTokens tokens = new VoiceTokens(ACCOUNT, KEY, SECRET, Duration.ofMinutes(30));

    @Test
    void theTokenLetsTheAgentsIdentityReceiveCallsAndNothingElse() throws Exception {
        VoiceTokens.VoiceToken issued = tokens.issue("acme", "doug");
        JsonNode claims = verifiedClaims(issued.token());

        assertThat(issued.identity()).isEqualTo("acme__doug");
        assertThat(claims.at("/grants/identity").asText()).isEqualTo("acme__doug");
        assertThat(claims.at("/grants/voice/incoming/allow").asBoolean()).isTrue();
        assertThat(claims.at("/grants/voice/outgoing").isMissingNode()).isTrue();
        assertThat(claims.get("grants").size()).isEqualTo(2); // identity and voice: no chat, video or sync
        assertThat(claims.get("iss").asText()).isEqualTo(KEY);
        assertThat(claims.get("sub").asText()).isEqualTo(ACCOUNT);
    }

    @Test
    void theTokenLivesForTheConfiguredLifetime() throws Exception {
        long before = Instant.now().getEpochSecond();
        VoiceTokens.VoiceToken issued = tokens.issue("acme", "rhonda");
        JsonNode claims = verifiedClaims(issued.token());

        long after = Instant.now().getEpochSecond();

        assertThat(issued.ttlSeconds()).isEqualTo(1800);
        assertThat(claims.get("exp").asLong()).isBetween(before + 1800, after + 1800);
    }

    @Test
    void aLifetimeTwilioWouldRefuseStopsTheGatewayAtStart() {
        assertThatThrownBy(() -> new VoiceTokens(ACCOUNT, KEY, SECRET, Duration.ofHours(25)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("24h");
        assertThatThrownBy(() -> new VoiceTokens(ACCOUNT, KEY, SECRET, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Client identities are per Twilio account: two tenants' doug must not ring each other's browsers. */
    @Test
    void twoTenantsAgentsOfTheSameNameGetDifferentIdentities() throws Exception {
        String acme = verifiedClaims(tokens.issue("acme", "doug").token()).at("/grants/identity").asText();
        String globex = verifiedClaims(tokens.issue("globex", "doug").token()).at("/grants/identity").asText();

        assertThat(acme).isNotEqualTo(globex);
        assertThat(globex).isEqualTo("globex__doug");
    }

    @Test
    void anyAgentIdGetsAnIdentityTwilioTakesUnlessItIsTooLong() {
        assertThat(tokens.issue("acme", "doug.smith").identity()).isEqualTo("acme__doug_002esmith");
        assertThat(VoiceTokens.usableIdentity("acme", "d".repeat(120))).isFalse();
        assertThatThrownBy(() -> tokens.issue("acme", "d".repeat(120))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 121");
    }

    @Test
    void withoutTheAccountAndAnApiKeyThereAreNoTokens() {
        assertThat(VoiceTokens.from(voice(Optional.of(ACCOUNT), Optional.of(KEY), Optional.empty()))).isEmpty();
        assertThat(VoiceTokens.from(voice(Optional.empty(), Optional.of(KEY), Optional.of(SECRET)))).isEmpty();
        assertThat(VoiceTokens.from(voice(Optional.of(ACCOUNT), Optional.empty(), Optional.of(SECRET)))).isEmpty();
        assertThat(VoiceTokens.from(voice(Optional.of(ACCOUNT), Optional.of(KEY), Optional.of(SECRET)))).isPresent();
    }

    static GatewayConfig.Voice voice(Optional<String> account, Optional<String> key, Optional<String> secret) {
        return new GatewayConfig.Voice() {
            @Override
            public Optional<String> accountSid() {
                return account;
            }

            @Override
            public Optional<String> apiKeySid() {
                return key;
            }

            @Override
            public Optional<String> apiKeySecret() {
                return secret;
            }

            @Override
            public Duration tokenLifetime() {
                return Duration.ofHours(1);
            }
        };
    }
}
