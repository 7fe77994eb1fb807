package io.switchboard.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.mapping.ForeignAgentLegException;
import io.switchboard.ingest.mapping.MalformedWebhookException;
import io.switchboard.ingest.mapping.TwilioForm;
import io.switchboard.ingest.mapping.TwilioWebhook;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import io.switchboard.ingest.signature.SignedUrl;
import io.switchboard.ingest.signature.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one gate of Twilio's voice webhooks. For each request it reads the body once, checks
 * {@code X-Twilio-Signature} once, decodes the form once into the {@link TwilioWebhook} its endpoint in
 * {@link TwilioVoiceEndpoints} takes, and answers what the endpoint gives back — for a webhook that carries an event,
 * only once the journal stored it — or the refusal: 403 (signature), 400 (a form that does not decode, or lacks what
 * the endpoint needs), 413, 415 (a body that is not a form), 503 (the journal did not store the event, or PostgreSQL
 * did not name the owner of a number this pod never saw).
 *
 * <p>Plain Vert.x routes, not Quarkus REST: Twilio signs the decoded form, so nothing can be decided before the body
 * is read and decoded, and a REST endpoint would have its framework read the form a second time, leniently and
 * answering a bad escape with a 500, and need endpoints of its own for bodies that are not forms. Here the route owns
 * the request from its first byte to its answer. Everything runs on the request's event loop: nothing here blocks.
 */
@Singleton
public class TwilioGate {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final CharSequence XML = HttpHeaders.createOptimized("application/xml;charset=UTF-8");
    private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain;charset=UTF-8");
    private static final CharSequence PROBLEM = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);

    private final TwilioVoiceEndpoints voice;
    private final WebhookSignature signatures;
    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private final long maxBodySize;

    public TwilioGate(TwilioVoiceEndpoints voice, WebhookSignature signatures, IngestConfig config,
            IngestMetrics metrics, ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.voice = voice;
        this.signatures = signatures;
        this.config = config;
        this.metrics = metrics;
        this.json = json;
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void routes(@Observes Router router) {
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.INCOMING)), Endpoint.INCOMING, voice::incoming);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.STATUS)), Endpoint.STATUS, voice::status);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.DIAL_ENDED)), Endpoint.DIAL_ENDED, voice::dialEnded);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.CONFERENCE)), Endpoint.CONFERENCE, voice::conference);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.VOICEMAIL)), Endpoint.VOICEMAIL, voice::voicemail);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.VOICEMAIL_DONE)), Endpoint.VOICEMAIL_DONE,
                voice::voicemailDone);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.RECORDING)), Endpoint.RECORDING, voice::recording);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.FORWARD)), Endpoint.FORWARD, voice::forward);
        route(router.post(VoiceWebhooks.path(VoiceWebhooks.FORWARD_ENDED)), Endpoint.FORWARD_ENDED,
                voice::forwardEnded);
        // Twilio fetches a queue's wait music with POST unless the waitUrl's method says GET.
        route(router.route(VoiceWebhooks.path(VoiceWebhooks.HOLD)).method(HttpMethod.GET).method(HttpMethod.POST),
                Endpoint.HOLD, voice::hold);
    }

    private void route(Route route, Endpoint endpoint, Function<TwilioWebhook, Uni<String>> answer) {
        route.handler(context -> admit(context, endpoint, answer));
    }

    private void admit(RoutingContext context, Endpoint endpoint, Function<TwilioWebhook, Uni<String>> answer) {
        HttpServerRequest request = context.request();
        String signature = request.getHeader(WebhookSignature.HEADER);
        if (signature == null || signature.isBlank()) {
            forbidden(context, endpoint, "Missing " + WebhookSignature.HEADER + ": " + request.path()
                    + " only accepts requests signed by Twilio.");
            return;
        }
        String url = SignedUrl.of(config.publicBaseUrl(), request.path(), request.query(),
                request.getHeader("X-Forwarded-Proto"), request.getHeader("X-Forwarded-Host"),
                config.ingest().trustForwardedHeaders());
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isForm(contentType)) {
            notAForm(context, endpoint, url, signature, contentType);
            return;
        }
        body(request).onComplete(read -> {
            if (read.failed()) {
                unread(context, read.cause());
                return;
            }
            try {
                Map<String, String> form = TwilioForm.firstValues(TwilioForm.parse(read.result().getBytes()));
                if (!signatures.signsForm(url, form, signature)) {
                    forbidden(context, endpoint, WebhookSignature.HEADER + " does not match " + url
                            + " and the form parameters: the request was not signed by Twilio for this URL. If it"
                            + " was, check that PUBLIC_BASE_URL is the URL configured in Twilio and TWILIO_AUTH_TOKEN"
                            + " is the account's current auth token.");
                    return;
                }
                TwilioWebhook webhook = TwilioWebhook.of(form, request::getParam,
                        request.getHeader(TwilioWebhook.IDEMPOTENCY_TOKEN));
                answer.apply(webhook).subscribe().with(twiml -> end(context, 200, XML, twiml),
                        failure -> refuse(context, endpoint, failure));
            } catch (RuntimeException e) {
                refuse(context, endpoint, e);
            }
        });
    }

    /**
     * A body that is not a form: judged on its URL before any of it is read, then on the body's hash, and refused
     * either way, since voice webhooks are forms; signed by Twilio, the refusal says so (415).
     */
    private void notAForm(RoutingContext context, Endpoint endpoint, String url, String signature,
            String contentType) {
        String bodyHash = context.request().getParam(WebhookSignature.BODY_HASH);
        if (bodyHash == null || bodyHash.isBlank()) {
            forbidden(context, endpoint, "A body of type " + contentType + " must be signed the way Twilio signs a"
                    + " body that is not a form (" + WebhookSignature.BODY_HASH + " in the URL); "
                    + WebhookSignature.HEADER + " over the URL alone does not cover the body.");
            return;
        }
        if (!signatures.signsUrl(url, signature)) {
            forbidden(context, endpoint, WebhookSignature.HEADER + " does not match " + url
                    + ": the request was not signed by Twilio for this URL.");
            return;
        }
        body(context.request()).onComplete(read -> {
            if (read.failed()) {
                unread(context, read.cause());
            } else if (!signatures.bodyMatches(read.result().toString(StandardCharsets.UTF_8), bodyHash)) {
                forbidden(context, endpoint, "The body does not match the SHA-256 in " + WebhookSignature.BODY_HASH
                        + ": it is not the body Twilio signed.");
            } else {
                Log.warnf("Refused a signed %s webhook with a body of type %s: voice webhooks are forms.",
                        endpoint.tag(), contentType);
                metrics.webhook(endpoint, Outcome.UNSUPPORTED_MEDIA_TYPE);
                end(context, 415, PROBLEM, problem(Problem.formsOnly(contentType)));
            }
        });
    }

    /** No content type (a GET, a POST without a body) reads as an empty form; parameters such as charset aside. */
    static boolean isForm(String contentType) {
        if (contentType == null) {
            return true;
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().equalsIgnoreCase(FORM);
    }

    /**
     * The body, up to {@code quarkus.http.limits.max-body-size}. A body announcing a bigger Content-Length never gets
     * here (Quarkus answers 413 up front); a chunked one is refused as soon as it passes the limit, and the rest is let
     * through unkept, so that the connection stays in step. Read by hand because Vert.x's {@code body()} has no limit
     * and its {@code BodyHandler} would decode a form a second time.
     */
    private Future<Buffer> body(HttpServerRequest request) {
        Promise<Buffer> read = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (read.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > maxBodySize) {
                read.tryFail(new BodyTooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> read.tryComplete(body));
        request.exceptionHandler(read::tryFail);
        // The HTTP layer holds a request's body back until a reader asks for it.
        request.resume();
        return read.future();
    }

    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    private void unread(RoutingContext context, Throwable failure) {
        if (failure instanceof BodyTooLarge) {
            Log.warnf("Refused %s: a body over %d bytes; Twilio's webhooks are small forms.", context.request().path(),
                    maxBodySize);
            end(context, 413, TEXT, "The body is over " + maxBodySize + " bytes; Twilio's webhooks are small forms.");
        } else {
            // The connection broke while the body came in: nobody is left to answer.
            Log.debugf(failure, "Could not read the body of %s", context.request().path());
        }
    }

    /** A failure of the endpoint, answered as Twilio should take it (the URLs' overrides retry a 5xx, not a 4xx). */
    private void refuse(RoutingContext context, Endpoint endpoint, Throwable failure) {
        String path = context.request().path();
        if (failure instanceof MalformedWebhookException) {
            Log.warnf("Refused %s: %s", path, failure.getMessage());
            metrics.webhook(endpoint, Outcome.BAD_REQUEST);
            end(context, 400, TEXT, failure.getMessage());
        } else if (failure instanceof ForeignAgentLegException) {
            Log.warnf("Refused %s: %s", path, failure.getMessage());
            metrics.webhook(endpoint, Outcome.FOREIGN_AGENT_LEG);
            end(context, 403, TEXT, failure.getMessage());
        } else if (failure instanceof UnavailableException) {
            // The retry carries the same event id.
            Log.warnf("Answered 503 to %s: %s", path, failure.getMessage());
            metrics.webhook(endpoint, Outcome.UNAVAILABLE);
            end(context, 503, TEXT, failure.getMessage());
        } else {
            Log.errorf(failure, "Failed on %s", path);
            end(context, 500, TEXT, "call-ingest failed on this webhook; its log says why.");
        }
    }

    private void forbidden(RoutingContext context, Endpoint endpoint, String reason) {
        // The reason names the URL, never the signature or the auth token.
        Log.warnf("Refused %s: %s", context.request().path(), reason);
        metrics.webhook(endpoint, Outcome.FORBIDDEN);
        end(context, 403, TEXT, reason);
    }

    private String problem(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A Problem is three plain fields", e);
        }
    }

    private static void end(RoutingContext context, int status, CharSequence contentType, String body) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return; // Twilio gave up on this request and closed the connection
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
    }
}
