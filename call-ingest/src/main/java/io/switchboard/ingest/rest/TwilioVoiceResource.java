package io.switchboard.ingest.rest;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.TwilioEvent.DialEnded;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.mapping.TwilioEvents;
import io.switchboard.ingest.mapping.TwilioWebhook;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.publish.TwilioEventPublisher;
import io.switchboard.ingest.signature.SignedBody;
import io.switchboard.ingest.tenant.TenantDirectory;
import io.switchboard.ingest.twiml.TwimlAnswers;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Twilio's voice webhooks. By the time a method runs, {@code TwilioSignatureFilter} has checked the signature.
 * Each event is stored in Kafka before Twilio gets its answer; failures become 400 / 503 in {@link WebhookErrors}.
 */
@Path(VoiceWebhooks.ROOT)
@Produces(MediaType.APPLICATION_XML)
public class TwilioVoiceResource {
    private final TenantDirectory tenants;
    private final TwilioEventPublisher publisher;
    private final TwimlAnswers twiml;
    private final IngestMetrics metrics;
    private final SignedBody signedBody;

    public TwilioVoiceResource(TenantDirectory tenants, TwilioEventPublisher publisher, TwimlAnswers twiml,
            IngestMetrics metrics, SignedBody signedBody) {
        this.tenants = tenants;
        this.publisher = publisher;
        this.twiml = twiml;
        this.metrics = metrics;
        this.signedBody = signedBody;
    }

    /** A caller dialled a tenant's number: queue them, or reject a number nobody owns. */
    @POST
    @Path(VoiceWebhooks.INCOMING)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<String> incoming(@BeanParam TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> {
            if (tenant.isEmpty()) {
                Log.warnf("Rejected call %s to %s: no tenant owns this number. Add it to tenant_numbers, or point"
                        + " the number's Voice URL elsewhere in Twilio.", webhook.callSid(), webhook.to());
                metrics.unknownNumber(Endpoint.INCOMING);
                metrics.webhook(Endpoint.INCOMING, Outcome.REJECTED_UNKNOWN_NUMBER);
                return Uni.createFrom().item(twiml.reject());
            }
            String tenantId = tenant.get();
            return publishThenAnswer(Endpoint.INCOMING, TwilioEvents.incoming(webhook, tenantId, receivedAt),
                    twiml.enqueue(tenantId));
        });
    }

    /** A status callback of the caller's call or of an agent leg. */
    @POST
    @Path(VoiceWebhooks.STATUS)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<String> status(@BeanParam TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> publishThenAnswer(Endpoint.STATUS, TwilioEvents.status(webhook, tenantId, receivedAt),
                        twiml.empty()))
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.STATUS, webhook, twiml.empty()))));
    }

    /** The {@code <Dial>} to an agent is over: Twilio asks what the caller hears next. */
    @POST
    @Path(VoiceWebhooks.DIAL_ENDED)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<String> dialEnded(@BeanParam TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> {
                    DialEnded event = TwilioEvents.dialEnded(webhook, tenantId, receivedAt);
                    return publishThenAnswer(Endpoint.DIAL_ENDED, event,
                            twiml.afterDial(tenantId, event.dialCallStatus(), webhook.parked()));
                })
                // Without a tenant there is no queue to send the caller back to.
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.DIAL_ENDED, webhook, twiml.hangup()))));
    }

    /*
     * Any other body (JSON, say) on the endpoints that take Twilio's form. TwilioSignatureFilter let it through only
     * with a URL Twilio signed, bodySHA256 included; what is left is to check the body against that hash, then say
     * that voice webhooks are forms. Without these methods the framework would answer 415 before the signature
     * filter runs, telling an unsigned caller more than 403 does.
     */

    @POST
    @Path(VoiceWebhooks.INCOMING)
    @Consumes(MediaType.WILDCARD)
    @NonBlocking
    public Response incomingNotAForm(@RestQuery(SignedBody.BODY_HASH) String bodyHash,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        return notAForm(Endpoint.INCOMING, bodyHash, contentType, body);
    }

    @POST
    @Path(VoiceWebhooks.STATUS)
    @Consumes(MediaType.WILDCARD)
    @NonBlocking
    public Response statusNotAForm(@RestQuery(SignedBody.BODY_HASH) String bodyHash,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        return notAForm(Endpoint.STATUS, bodyHash, contentType, body);
    }

    @POST
    @Path(VoiceWebhooks.DIAL_ENDED)
    @Consumes(MediaType.WILDCARD)
    @NonBlocking
    public Response dialEndedNotAForm(@RestQuery(SignedBody.BODY_HASH) String bodyHash,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        return notAForm(Endpoint.DIAL_ENDED, bodyHash, contentType, body);
    }

    private Response notAForm(Endpoint endpoint, String bodyHash, String contentType, String body) {
        if (!signedBody.matches(body, bodyHash)) {
            String reason = "The body does not match the SHA-256 in " + SignedBody.BODY_HASH
                    + ": it is not the body Twilio signed.";
            Log.warnf("Refused %s: %s", endpoint.tag(), reason);
            metrics.webhook(endpoint, Outcome.FORBIDDEN);
            return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE).entity(reason).build();
        }
        Log.warnf("Refused a signed %s webhook with a body of type %s: voice webhooks are forms.", endpoint.tag(),
                contentType);
        metrics.webhook(endpoint, Outcome.UNSUPPORTED_MEDIA_TYPE);
        return Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, Problem.formsOnly(contentType));
    }

    /** The queue's wait music ({@code waitUrl}); Twilio fetches it with POST by default. */
    @POST
    @Path(VoiceWebhooks.HOLD)
    @NonBlocking
    public String holdPost() {
        return hold();
    }

    @GET
    @Path(VoiceWebhooks.HOLD)
    @NonBlocking
    public String hold() {
        metrics.webhook(Endpoint.HOLD, Outcome.ACCEPTED);
        return twiml.hold();
    }

    private Uni<String> publishThenAnswer(Endpoint endpoint, TwilioEvent event, String answer) {
        return publisher.publish(event).map(stored -> {
            metrics.webhook(endpoint, Outcome.ACCEPTED);
            return answer;
        });
    }

    /**
     * A callback nobody can be told about. Answered 200 all the same: Twilio would otherwise retry it for nothing.
     */
    private String unknownTenant(Endpoint endpoint, TwilioWebhook webhook, String answer) {
        Log.warnf("Ignored %s callback for call %s: no tenant query parameter and no tenant owns To=%s. URLs"
                + " call-state gives Twilio carry ?tenant=; numbers must be in tenant_numbers.",
                endpoint.tag(), webhook.callSid(), webhook.to());
        metrics.unknownNumber(endpoint);
        metrics.webhook(endpoint, Outcome.IGNORED_UNKNOWN_TENANT);
        return answer;
    }
}
