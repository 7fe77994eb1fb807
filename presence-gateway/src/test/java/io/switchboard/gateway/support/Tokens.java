package io.switchboard.gateway.support;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.switchboard.stack.SwitchboardTestResource;
import java.time.Duration;
import java.time.Instant;

/** Agent tokens as an identity provider would issue them, signed with the test resource's key. */
public final class Tokens {
    /** The audience the gateway expects by default ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "switchboard";

    private Tokens() {
    }

    public static String agent(String tenant, String agent) {
        return sign(claims(tenant, agent).expiresIn(Duration.ofMinutes(10)));
    }

    /** An agent's token that carries the {@code supervisor} role too. */
    public static String supervisor(String tenant, String agent) {
        return sign(claims(tenant, agent).groups(java.util.Set.of("agent", "supervisor"))
                .expiresIn(Duration.ofMinutes(10)));
    }

    public static String expired(String tenant, String agent) {
        Instant issued = Instant.now().minus(Duration.ofHours(2));
        return sign(claims(tenant, agent).issuedAt(issued).expiresAt(issued.plus(Duration.ofMinutes(30))));
    }

    /** A valid token (issued a minute ago) that expires at {@code exp}. */
    public static String expiringAt(String tenant, String agent, Instant exp) {
        return sign(claims(tenant, agent).issuedAt(Instant.now().minusSeconds(60)).expiresAt(exp));
    }

    public static String withIssuer(String issuer, String tenant, String agent) {
        return sign(Jwt.issuer(issuer).audience(AUDIENCE).subject(agent).claim("tenant", tenant).groups("agent")
                .expiresIn(Duration.ofMinutes(10)));
    }

    /** Issued by the gateway's issuer for another application ({@code aud}): a token meant for someone else. */
    public static String withAudience(String audience, String tenant, String agent) {
        return sign(Jwt.issuer("switchboard").audience(audience).subject(agent).claim("tenant", tenant)
                .groups("agent").expiresIn(Duration.ofMinutes(10)));
    }

    /** No {@code aud} at all: says nothing about whom it is meant for. */
    public static String withoutAudience(String tenant, String agent) {
        return sign(Jwt.issuer("switchboard").subject(agent).claim("tenant", tenant).groups("agent")
                .expiresIn(Duration.ofMinutes(10)));
    }

    public static String withoutAgentGroup(String tenant, String agent) {
        return sign(Jwt.issuer("switchboard").audience(AUDIENCE).subject(agent).claim("tenant", tenant)
                .groups("supervisor").expiresIn(Duration.ofMinutes(10)));
    }

    /** The same token with another subject in its payload and the original signature. */
    public static String tampered(String token, String otherAgent) {
        String[] parts = token.split("\\.");
        var decoder = java.util.Base64.getUrlDecoder();
        var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        String payload = new String(decoder.decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        String forged = payload.replaceFirst("\"sub\":\"[^\"]*\"", "\"sub\":\"" + otherAgent + "\"");
        if (forged.equals(payload)) {
            throw new IllegalStateException("The token payload has no sub claim to change: " + payload);
        }
        return parts[0] + "." + encoder.encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private static JwtClaimsBuilder claims(String tenant, String agent) {
        return Jwt.issuer("switchboard").audience(AUDIENCE).subject(agent).claim("tenant", tenant).groups("agent");
    }

    private static String sign(JwtClaimsBuilder claims) {
        return claims.sign(SwitchboardTestResource.keys().privateKeyPem().toUri().toString());
    }
}
