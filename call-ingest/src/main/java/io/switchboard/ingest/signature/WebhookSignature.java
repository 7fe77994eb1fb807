package io.switchboard.ingest.signature;

import com.twilio.security.RequestValidator;
import io.switchboard.ingest.config.IngestConfig;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Twilio's {@code X-Twilio-Signature}, checked with twilio-java's {@link RequestValidator} against the URL Twilio was
 * given ({@link SignedUrl}).
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

    private final RequestValidator validator;

    public WebhookSignature(IngestConfig config) {
        this.validator = new RequestValidator(config.twilio().authToken());
    }

    /** Whether {@code signature} is Twilio's over {@code url} and the form's parameters (the first value of each). */
    public boolean signsForm(String url, Map<String, String> parameters, String signature) {
        return validator.validate(url, parameters, signature);
    }

    /** Whether {@code signature} is Twilio's over {@code url} alone, as for a body that is not a form. */
    public boolean signsUrl(String url, String signature) {
        return validator.validate(url, Map.of(), signature);
    }

    /** Whether {@code body} is what the signed {@code bodySHA256} names; false without one. */
    public boolean bodyMatches(String body, String bodyHash) {
        return bodyHash != null && !bodyHash.isBlank() && validator.validateBody(body, bodyHash);
    }
}
