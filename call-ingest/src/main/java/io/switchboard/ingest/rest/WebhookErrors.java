package io.switchboard.ingest.rest;

import io.quarkus.logging.Log;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.mapping.ForeignAgentLegException;
import io.switchboard.ingest.mapping.MalformedWebhookException;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Plain-text answers for webhooks that cannot be handled; Twilio shows the text in its debugger. */
public class WebhookErrors {
    private final IngestMetrics metrics;

    public WebhookErrors(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public RestResponse<String> malformed(MalformedWebhookException e, UriInfo uri) {
        Log.warnf("Refused %s: %s", uri.getPath(), e.getMessage());
        metrics.webhook(Endpoint.ofPath(uri.getPath()), Outcome.BAD_REQUEST);
        return plainText(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> foreignAgentLeg(ForeignAgentLegException e, UriInfo uri) {
        Log.warnf("Refused %s: %s", uri.getPath(), e.getMessage());
        metrics.webhook(Endpoint.ofPath(uri.getPath()), Outcome.FOREIGN_AGENT_LEG);
        return plainText(Response.Status.FORBIDDEN, e.getMessage());
    }

    /** 503 makes Twilio retry the webhook; the retry carries the same event id. */
    @ServerExceptionMapper
    public RestResponse<String> unavailable(UnavailableException e, UriInfo uri) {
        Log.warnf("Answered 503 to %s: %s", uri.getPath(), e.getMessage());
        metrics.webhook(Endpoint.ofPath(uri.getPath()), Outcome.UNAVAILABLE);
        return plainText(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }

    private static RestResponse<String> plainText(Response.Status status, String message) {
        return RestResponse.ResponseBuilder.create(status, message).type(MediaType.TEXT_PLAIN_TYPE).build();
    }
}
