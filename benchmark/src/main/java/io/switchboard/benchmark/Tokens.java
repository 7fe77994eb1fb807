package io.switchboard.benchmark;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;

/**
 * Agents' tokens, signed here with the local stack's dev key (the one the gateway verifies with) by smallrye-jwt-build,
 * as the gateway's {@code /dev/token} signs them: the same claims, without ten thousand HTTP round trips to the process
 * being measured.
 */
final class Tokens {
    /** What the gateway checks ({@code mp.jwt.verify.issuer} and {@code .audiences}) and the role it lets in. */
    static final String ISSUER = "switchboard";
    static final String AUDIENCE = "switchboard";
    static final String ROLE = "agent";
    /** Longer than any run. */
    static final Duration LIFETIME = Duration.ofHours(6);

    private final PrivateKey key;

    Tokens(Path privateKeyPem) throws Exception {
        key = KeyUtils.decodePrivateKey(Files.readString(privateKeyPem));
    }

    String token(String tenant, String agent) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(agent).claim("tenant", tenant).groups(ROLE)
                .expiresIn(LIFETIME).sign(key);
    }
}
