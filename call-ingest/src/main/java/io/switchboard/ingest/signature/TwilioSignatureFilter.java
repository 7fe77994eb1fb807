package io.switchboard.ingest.signature;

import com.twilio.security.RequestValidator;
import io.quarkus.logging.Log;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import io.switchboard.ingest.rest.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
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
 *
 * <p>A body that is not a form is signed by Twilio another way (its JSON-body scheme): the body's SHA-256 travels in
 * the URL as {@code bodySHA256} and the signature covers that URL alone. Such a request must be signed that way;
 * once its body is read, {@link SignedBody} checks the hash, and the endpoint refuses the format (voice webhooks are
 * forms). A form signature does not count for another kind of body: it would not cover the body.
 */
public class TwilioSignatureFilter {
    public static final String SIGNATURE_HEADER = "X-Twilio-Signature";
    /** Every path under it is Twilio's to call, and signed. */
    public static final String TWILIO_PATHS = "/twilio/";
    private static final String MULTIPART = "multipart";

    private final RequestValidator validator;
    private final IngestConfig config;
    private final IngestMetrics metrics;

    public TwilioSignatureFilter(IngestConfig config, IngestMetrics metrics) {
        this.validator = new RequestValidator(config.twilio().authToken());
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * A body that is not a form is judged on its URL alone, before any of it is read or parsed (a multipart body
     * would be parsed for the form filter below, signed or not). Runs before the endpoint is matched, so an unsigned
     * request learns nothing about what the endpoints take.
     */
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> checkSignatureOfOtherBodies(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        MediaType type = request.getMediaType();
        if (!path.startsWith(TWILIO_PATHS) || isForm(type)) {
            return Optional.empty();
        }
        String signature = request.getHeaderString(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return Optional.of(missingSignature(path));
        }
        if (!SignedBody.hasBodyHash(uri)) {
            return Optional.of(forbidden(path, "A body of type " + type + " must be signed the way Twilio signs a"
                    + " body that is not a form (" + SignedBody.BODY_HASH + " in the URL); " + SIGNATURE_HEADER
                    + " over the URL alone does not cover the body."));
        }
        String signedUrl = signedUrl(request, path, uri);
        if (!validator.validate(signedUrl, Map.of(), signature)) {
            return Optional.of(forbidden(path, SIGNATURE_HEADER + " does not match " + signedUrl
                    + ": the request was not signed by Twilio for this URL."));
        }
        if (MULTIPART.equalsIgnoreCase(type.getType())) {
            // Twilio never sends one; refused unread rather than parsed for nothing.
            return Optional.of(unsupported(path, type));
        }
        // The endpoint reads the body and checks it against bodySHA256 (SignedBody).
        return Optional.empty();
    }

    /** readBody: runs once the form is parsed, because Twilio signs the POST parameters too. */
    @ServerRequestFilter(readBody = true)
    public Optional<Response> checkSignature(ResteasyReactiveContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        if (!path.startsWith(TWILIO_PATHS) || !isForm(request.getMediaType())) {
            return Optional.empty();
        }
        String signedUrl = signedUrl(request, path, uri);
        String signature = request.getHeaderString(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return Optional.of(missingSignature(path));
        }
        if (!validator.validate(signedUrl, formParameters(request), signature)) {
            return Optional.of(forbidden(path, SIGNATURE_HEADER + " does not match " + signedUrl
                    + " and the form parameters: the request was not signed by Twilio for this URL. If it was,"
                    + " check that PUBLIC_BASE_URL is the URL configured in Twilio and TWILIO_AUTH_TOKEN is the"
                    + " account's current auth token."));
        }
        return Optional.empty();
    }

    private String signedUrl(ContainerRequestContext request, String path, URI uri) {
        return SignedUrl.of(config.publicBaseUrl(), path, uri.getRawQuery(),
                request.getHeaderString("X-Forwarded-Proto"), request.getHeaderString("X-Forwarded-Host"),
                config.ingest().trustForwardedHeaders());
    }

    private Response missingSignature(String path) {
        return forbidden(path, "Missing " + SIGNATURE_HEADER + ": " + path
                + " only accepts requests signed by Twilio.");
    }

    private Response unsupported(String path, MediaType type) {
        Log.warnf("Refused a signed %s request with a body of type %s: voice webhooks are forms.", path, type);
        metrics.webhook(Endpoint.ofPath(path), Outcome.UNSUPPORTED_MEDIA_TYPE);
        return Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, Problem.formsOnly(type.toString()));
    }

    /** No content type (a GET, a POST without a body) reads as an empty form. Wildcards are no form. */
    public static boolean isForm(MediaType type) {
        return type == null || "application".equalsIgnoreCase(type.getType())
                && "x-www-form-urlencoded".equalsIgnoreCase(type.getSubtype());
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
