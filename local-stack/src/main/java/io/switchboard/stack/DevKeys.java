package io.switchboard.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/**
 * An RSA key pair for signing and verifying agent tokens on the local stack and in tests. Made on the
 * machine, never committed; production keys come from the deployment's secrets.
 */
public record DevKeys(Path privateKeyPem, Path publicKeyPem) {

    /** Reuses the pair in {@code dir} or makes one. */
    public static DevKeys in(Path dir) {
        DevKeys keys = new DevKeys(dir.resolve("jwt-private.pem"), dir.resolve("jwt-public.pem"));
        if (Files.exists(keys.privateKeyPem) && Files.exists(keys.publicKeyPem)) {
            return keys;
        }
        try {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(keys.privateKeyPem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(keys.publicKeyPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
