package io.switchboard.ingest.signature;

import com.twilio.security.RequestValidator;
import io.switchboard.ingest.config.IngestConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's {@code X-Twilio-Signature}, checked against the URL Twilio was given ({@link SignedUrl}); twilio-java's
 * {@link RequestValidator} is the judge.
 *
 * <p>A form is signed over the URL and its POST parameters. A body that is not a form is signed another way (Twilio's
 * JSON-body scheme): the body's SHA-256 travels in the URL as {@code bodySHA256}, the signature covers that URL alone,
 * and the body must hash to it. A form signature does not count for another kind of body: it would not cover the body.
 */
@Singleton
public class WebhookSignature {
    public static final String HEADER = "X-Twilio-Signature";
    /** The query parameter in which Twilio sends the SHA-256 of a body that is not a form. */
    public static final String BODY_HASH = "bodySHA256";
    private static final String HMAC = "HmacSHA1";

    private final RequestValidator validator;
    private final ThreadLocal<Mac> macs;

    @Inject
    public WebhookSignature(IngestConfig config) {
        this(config.twilio().authToken());
    }

    /** @param authToken the Twilio account's auth token, the key of every signature */
    public WebhookSignature(String authToken) {
        this.validator = new RequestValidator(authToken);
        SecretKeySpec key = new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), HMAC);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(HMAC);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The JDK has no " + HMAC, e);
            }
        });
    }

    /**
     * Whether {@code signature} is Twilio's over {@code url} and the form's parameters (the first value of each).
     *
     * <p>One HMAC first, over the URL exactly as given, with this thread's {@link Mac}; {@link RequestValidator} only
     * when that one does not match. RequestValidator alone would make every webhook pay for two HMACs, each with a
     * new {@code Mac} (a provider lookup and a key schedule), and for parsing and rebuilding the URL twice: it tries
     * the URL with its default port added and with its port removed, and one of the two is always the URL as given.
     * That made it the costliest step of call-ingest's own code per webhook. What is accepted does not change: the
     * first HMAC is the one RequestValidator computes for the URL as given, and any other request goes to
     * RequestValidator as before.
     */
    public boolean signsForm(String url, Map<String, String> parameters, String signature) {
        return signsAsGiven(url, parameters, signature) || validator.validate(url, parameters, signature);
    }

    /** Whether {@code signature} is Twilio's over {@code url} alone, as for a body that is not a form. */
    public boolean signsUrl(String url, String signature) {
        return validator.validate(url, Map.of(), signature);
    }

    /** Whether {@code body} is what the signed {@code bodySHA256} names; false without one. */
    public boolean bodyMatches(String body, String bodyHash) {
        return bodyHash != null && !bodyHash.isBlank() && validator.validateBody(body, bodyHash);
    }

    /** Twilio's scheme, as RequestValidator computes it: the URL, then each name and value in the order of the names. */
    private boolean signsAsGiven(String url, Map<String, String> parameters, String signature) {
        String[] names = parameters.keySet().toArray(new String[0]);
        Arrays.sort(names);
        StringBuilder signed = new StringBuilder(url.length() + 32 * names.length).append(url);
        for (String name : names) {
            String value = parameters.get(name);
            signed.append(name).append(value == null ? "" : value);
        }
        byte[] hmac = macs.get().doFinal(signed.toString().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(Base64.getEncoder().encode(hmac), signature.getBytes(StandardCharsets.UTF_8));
    }
}
