package io.switchboard.gateway.voice;

import com.twilio.jwt.accesstoken.AccessToken;
import com.twilio.jwt.accesstoken.VoiceGrant;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.gateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Twilio access tokens for the console's softphone (Twilio's Voice JavaScript SDK). The token's identity is the
 * agent's {@link ClientIdentity} (tenant and agent), the {@code <Client>} call-state dials when this agent wins a
 * claim, and its only grant is to receive calls: agents never dial out from the console. Signed with an API key, never
 * the account's auth token.
 */
public final class VoiceTokens {
    /** Twilio refuses access tokens that live longer. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);

    public record VoiceToken(String token, String identity, long ttlSeconds) {
    }

    private final String accountSid;
    private final String apiKeySid;
    private final byte[] apiKeySecret;
    private final int ttlSeconds;

    public VoiceTokens(String accountSid, String apiKeySid, String apiKeySecret, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("switchboard.voice.token-lifetime must be between 1s and 24h (Twilio's"
                    + " limit), not " + lifetime);
        }
        this.accountSid = accountSid;
        this.apiKeySid = apiKeySid;
        this.apiKeySecret = apiKeySecret.getBytes(StandardCharsets.UTF_8);
        this.ttlSeconds = (int) lifetime.toSeconds();
    }

    /** Empty unless the account and an API key are all configured: then the console works without audio. */
    public static Optional<VoiceTokens> from(GatewayConfig.Voice config) {
        if (config.accountSid().isEmpty() || config.apiKeySid().isEmpty() || config.apiKeySecret().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new VoiceTokens(config.accountSid().get(), config.apiKeySid().get(),
                config.apiKeySecret().get(), config.tokenLifetime()));
    }

    /** Whether Twilio would take this agent's identity (too long ids do not fit). */
    public static boolean usableIdentity(String tenantId, String agentId) {
        return ClientIdentity.usable(ClientIdentity.of(tenantId, agentId));
    }

    public VoiceToken issue(String tenantId, String agentId) {
        String identity = ClientIdentity.of(tenantId, agentId);
        if (!ClientIdentity.usable(identity)) {
            throw new IllegalArgumentException("Agent '" + agentId + "' of tenant '" + tenantId + "' has a Twilio"
                    + " Voice identity longer than " + ClientIdentity.MAX_LENGTH + " characters: " + identity);
        }
        String token = new AccessToken.Builder(accountSid, apiKeySid, apiKeySecret)
                .identity(identity)
                .ttl(ttlSeconds)
                .grant(new VoiceGrant().setIncomingAllow(true))
                .build()
                .toJwt();
        return new VoiceToken(token, identity, ttlSeconds);
    }
}
