package io.switchboard.ingest.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.switchboard.ingest.mapping.TwilioForm;
import io.switchboard.ingest.signature.TwilioSignatureFilter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Reads a webhook's form with {@link TwilioForm} before RESTEasy Reactive would, so that a body that does not
 * decode (a stray {@code %}, bytes that are not UTF-8) is answered 400 saying where, through {@link WebhookErrors}.
 * RESTEasy's own parser throws on the event loop, outside every exception mapper: the sender got a 500 and the log
 * a stack trace. The fields go to RESTEasy as the request's form, so endpoints and the signature check read them as
 * before.
 */
public class WebhookFormFilter {
    private final MemorySize maxBodySize;

    public WebhookFormFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Void> readForm(ResteasyReactiveContainerRequestContext request, HttpServerRequest http) {
        MediaType type = request.getMediaType();
        if (http.method() != HttpMethod.POST || type == null || !TwilioSignatureFilter.isForm(type)
                || !http.path().startsWith(TwilioSignatureFilter.TWILIO_PATHS)) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(body(http).toCompletionStage()).map(bytes -> {
            FormData form = new FormData(Integer.MAX_VALUE); // as many fields as fit in the body limit
            for (Map.Entry<String, String> field : TwilioForm.parse(bytes.getBytes())) {
                form.add(field.getKey(), field.getValue());
            }
            ((ResteasyReactiveRequestContext) request.getServerRequestContext()).setFormData(form);
            return null;
        });
    }

    /**
     * The body, up to {@code quarkus.http.limits.max-body-size}. A body announcing a bigger Content-Length never gets
     * here (413 up front); a chunked one is refused as soon as it passes the limit, and the rest is let through
     * unkept, so that the connection stays in step.
     */
    private Future<Buffer> body(HttpServerRequest http) {
        Promise<Buffer> read = Promise.promise();
        Buffer body = Buffer.buffer();
        http.handler(chunk -> {
            if (read.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > maxBodySize.asLongValue()) {
                read.tryFail(new WebApplicationException(Response.Status.REQUEST_ENTITY_TOO_LARGE));
            } else {
                body.appendBuffer(chunk);
            }
        });
        http.endHandler(end -> read.tryComplete(body));
        http.exceptionHandler(read::tryFail);
        // The HTTP layer holds a request's body back until a reader asks for it.
        http.resume();
        return read.future();
    }
}
