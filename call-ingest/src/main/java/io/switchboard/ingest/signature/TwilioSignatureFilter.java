package io.switchboard.ingest.signature;

import com.twilio.security.RequestValidator;
import io.quarkus.logging.Log;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * The one place {@code X-Twilio-Signature} is checked: every request under {@code /twilio/} must carry Twilio's
 * signature of the URL it was sent to and its form parameters, or it is answered 403 before any endpoint runs,
 * so nothing is published.
 */
public class TwilioSignatureFilter {
    public static final String SIGNATURE_HEADER = "X-Twilio-Signature";
    private static final String TWILIO_PATHS = "/twilio/";

    private final RequestValidator validator;
    private final IngestConfig config;
    private final IngestMetrics metrics;

    public TwilioSignatureFilter(IngestConfig config, IngestMetrics metrics) {
        this.validator = new RequestValidator(config.twilio().authToken());
        this.config = config;
        this.metrics = metrics;
    }

    /** readBody: runs once the form is parsed, because Twilio signs the POST parameters too. */
    @ServerRequestFilter(readBody = true)
    public Optional<Response> checkSignature(ResteasyReactiveContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        if (!path.startsWith(TWILIO_PATHS)) {
            return Optional.empty();
        }
        String signedUrl = SignedUrl.of(config.publicBaseUrl(), path, uri.getRawQuery(),
                request.getHeaderString("X-Forwarded-Proto"), request.getHeaderString("X-Forwarded-Host"),
                config.ingest().trustForwardedHeaders());
        String signature = request.getHeaderString(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return Optional.of(forbidden(path, "Missing " + SIGNATURE_HEADER + ": " + path
                    + " only accepts requests signed by Twilio."));
        }
        if (!validator.validate(signedUrl, formParameters(request), signature)) {
            return Optional.of(forbidden(path, SIGNATURE_HEADER + " does not match " + signedUrl
                    + " and the form parameters: the request was not signed by Twilio for this URL. If it was,"
                    + " check that PUBLIC_BASE_URL is the URL configured in Twilio and TWILIO_AUTH_TOKEN is the"
                    + " account's current auth token."));
        }
        return Optional.empty();
    }

    private Response forbidden(String path, String reason) {
        // The reason names the URL, never the signature or the auth token.
        Log.warnf("Refused %s: %s", path, reason);
        metrics.webhook(Endpoint.ofPath(path), Outcome.FORBIDDEN);
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE).entity(reason).build();
    }

    /** The parsed POST form (empty for GET); the same values the endpoints read. */
    private static Map<String, String> formParameters(ResteasyReactiveContainerRequestContext request) {
        FormData form = ((ResteasyReactiveRequestContext) request.getServerRequestContext()).getFormData();
        Map<String, String> params = new HashMap<>();
        if (form != null) {
            for (String name : form) {
                FormValue value = form.getFirst(name);
                if (value != null && !value.isFileItem()) {
                    params.put(name, value.getValue());
                }
            }
        }
        return params;
    }
}
