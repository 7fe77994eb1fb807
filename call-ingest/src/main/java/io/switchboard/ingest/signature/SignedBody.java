package io.switchboard.ingest.signature;

import com.twilio.security.RequestValidator;
import io.switchboard.ingest.config.IngestConfig;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Arrays;

/**
 * The second half of Twilio's signature of a body that is not a form: {@link TwilioSignatureFilter} checked that the
 * URL, {@code bodySHA256} included, is Twilio's; this checks that the body read is the one whose hash that URL
 * carries (twilio-java's {@code validateBody}).
 */
@Singleton
public class SignedBody {
    /** The query parameter in which Twilio sends the SHA-256 of a body that is not a form. */
    public static final String BODY_HASH = "bodySHA256";

    private final RequestValidator validator;

    public SignedBody(IngestConfig config) {
        this.validator = new RequestValidator(config.twilio().authToken());
    }

    static boolean hasBodyHash(URI uri) {
        String query = uri.getRawQuery();
        return query != null && Arrays.stream(query.split("&"))
                .anyMatch(pair -> pair.equals(BODY_HASH) || pair.startsWith(BODY_HASH + "="));
    }

    /** Whether {@code body} is what the signed {@code bodySHA256} names; false without one. */
    public boolean matches(String body, String bodyHash) {
        return bodyHash != null && !bodyHash.isBlank() && validator.validateBody(body, bodyHash);
    }
}
