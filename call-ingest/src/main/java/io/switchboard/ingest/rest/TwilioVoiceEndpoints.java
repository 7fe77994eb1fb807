package io.switchboard.ingest.rest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.contract.TwilioEvent.CallerParked;
import io.switchboard.contract.TwilioEvent.DialEnded;
import io.switchboard.contract.TwilioEvent.RecordingStored;
import io.switchboard.contract.handling.CallHandling;
import io.switchboard.contract.handling.CallHandling.AfterHours;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.journal.EventJournal;
import io.switchboard.ingest.mapping.TwilioEvents;
import io.switchboard.ingest.mapping.TwilioWebhook;
import io.switchboard.ingest.metrics.Endpoint;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.metrics.IngestMetrics.Outcome;
import io.switchboard.ingest.tenant.CallHandlingDirectory;
import io.switchboard.ingest.tenant.TenantDirectory;
import io.switchboard.ingest.twiml.TwimlAnswers;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What each of Twilio's voice webhooks does, once {@link TwilioGate} has checked its signature and read its form.
 * Each event is stored in the pod's {@link EventJournal} before the TwiML answer is given, and reaches Kafka from
 * there; a failure (a {@code MalformedWebhookException}, an {@code UnavailableException}…) is the gate's to answer.
 */
@Singleton
public class TwilioVoiceEndpoints {
    private final TenantDirectory tenants;
    private final CallHandlingDirectory handling;
    private final EventJournal journal;
    private final TwimlAnswers twiml;
    private final IngestMetrics metrics;

    public TwilioVoiceEndpoints(TenantDirectory tenants, CallHandlingDirectory handling, EventJournal journal,
            TwimlAnswers twiml, IngestMetrics metrics) {
        this.tenants = tenants;
        this.handling = handling;
        this.journal = journal;
        this.twiml = twiml;
        this.metrics = metrics;
    }

    /**
     * A caller dialled a tenant's number: queue them in business hours; outside them the voicemail, or the tenant's
     * message and a hang-up, as the tenant's settings say; reject a number nobody owns.
     */
    public Uni<String> incoming(TwilioWebhook webhook) {
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
            return handling.of(tenantId).flatMap(settings -> {
                if (settings.openAt(receivedAt)) {
                    return storeThenAnswer(Endpoint.INCOMING, TwilioEvents.incoming(webhook, tenantId, receivedAt),
                            twiml.enqueue(tenantId));
                }
                AfterHours afterHours = settings.afterHours();
                String answer = afterHours == AfterHours.VOICEMAIL
                        ? twiml.voicemail(tenantId, webhook.callSid(), webhook.from(), webhook.to(), settings, true)
                        : twiml.afterHoursMessage(settings);
                return storeThenAnswer(Endpoint.INCOMING,
                        TwilioEvents.incoming(webhook, tenantId, receivedAt, afterHours.wire()), answer);
            });
        });
    }

    /**
     * The voicemail's TwiML, where call-state sends a caller nobody answered within the wait limit. Nothing is stored:
     * Twilio only asks for a document here, and call-state learns what came of it from the recording callback or the
     * call's end.
     */
    public Uni<String> voicemail(TwilioWebhook webhook) {
        Instant askedAt = Instant.now();
        // A recording nobody could be told about is no voicemail: a call of no known tenant is hung up.
        return withSettings(Endpoint.VOICEMAIL, webhook, (tenantId, settings) -> twiml.voicemail(tenantId,
                webhook.callSid(), webhook.from(), webhook.to(), settings, !settings.openAt(askedAt)));
    }

    /** The voicemail is recorded ({@code <Record action>}): the caller hears goodbye. Nothing to store. */
    public Uni<String> voicemailDone(TwilioWebhook webhook) {
        metrics.webhook(Endpoint.VOICEMAIL_DONE, Outcome.ACCEPTED);
        return Uni.createFrom().item(twiml.voicemailDone());
    }

    /**
     * Twilio's recording status callback for a voicemail: the tenant, call and caller's numbers come from the URL
     * call-ingest wrote into the {@code <Record>}, so no lookup stands between Twilio and the journal.
     */
    public Uni<String> recording(TwilioWebhook webhook) {
        RecordingStored event = TwilioEvents.recording(webhook, Instant.now());
        return storeThenAnswer(Endpoint.RECORDING, event, twiml.empty());
    }

    /**
     * The overflow's TwiML, where call-state sends a caller nobody answered within the wait limit when the tenant
     * forwards. A tenant whose forward number was removed since gets the voicemail instead: the caller is not dropped.
     */
    public Uni<String> forward(TwilioWebhook webhook) {
        Instant askedAt = Instant.now();
        return withSettings(Endpoint.FORWARD, webhook, (tenantId, settings) -> {
            if (settings.canForward()) {
                return twiml.forward(tenantId, webhook.callSid(), webhook.from(), settings.forwardTo());
            }
            Log.warnf("Call %s of tenant %s was to be forwarded, but the tenant has no forward number (now):"
                    + " it gets the voicemail instead.", webhook.callSid(), tenantId);
            return twiml.voicemail(tenantId, webhook.callSid(), webhook.from(), webhook.to(), settings,
                    !settings.openAt(askedAt));
        });
    }

    /**
     * A document Twilio asks for on a call call-state sent on (voicemail, forward): {@code answer} writes it from the
     * tenant's call handling as it is now; a call of no known tenant is hung up. Nothing is stored.
     */
    private Uni<String> withSettings(Endpoint endpoint, TwilioWebhook webhook,
            BiFunction<String, CallHandling, String> answer) {
        TwilioEvents.requireCallSid(webhook);
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> handling.of(tenantId).map(settings -> {
                    metrics.webhook(endpoint, Outcome.ACCEPTED);
                    return answer.apply(tenantId, settings);
                }))
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(endpoint, webhook, twiml.hangup()))));
    }

    /** The {@code <Dial>} to the overflow number is over: stored, then the caller's call ends. */
    public Uni<String> forwardEnded(TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> storeThenAnswer(Endpoint.FORWARD_ENDED,
                        TwilioEvents.forwardEnded(webhook, tenantId, receivedAt), twiml.hangup()))
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.FORWARD_ENDED, webhook,
                        twiml.hangup()))));
    }

    /** A status callback of the caller's call or of an agent leg. */
    public Uni<String> status(TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> storeThenAnswer(Endpoint.STATUS, TwilioEvents.status(webhook, tenantId, receivedAt),
                        twiml.empty()))
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.STATUS, webhook, twiml.empty()))));
    }

    /** A status callback of the conference that connects a caller with agents. */
    public Uni<String> conference(TwilioWebhook webhook) {
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> storeThenAnswer(Endpoint.CONFERENCE,
                        TwilioEvents.conference(webhook, tenantId, receivedAt), twiml.empty()))
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.CONFERENCE, webhook, twiml.empty()))));
    }

    /** The {@code <Dial>} to an agent is over: Twilio asks what the caller hears next. */
    public Uni<String> dialEnded(TwilioWebhook webhook) {
        TwilioEvents.requireCallSid(webhook);
        Instant receivedAt = Instant.now();
        return tenants.tenantOf(webhook).flatMap(tenant -> tenant
                .map(tenantId -> {
                    DialEnded event = TwilioEvents.dialEnded(webhook, tenantId, receivedAt);
                    return storeThenAnswer(Endpoint.DIAL_ENDED, event,
                            twiml.afterDial(tenantId, event.dialCallStatus(), webhook.parked()));
                })
                // Without a tenant there is no queue to send the caller back to.
                .orElseGet(() -> Uni.createFrom().item(unknownTenant(Endpoint.DIAL_ENDED, webhook, twiml.hangup()))));
    }

    /**
     * The queue's wait music ({@code waitUrl}). For the parking lot's, the caller's arrival in the lot is stored first:
     * it confirms the park to call-state even when Twilio's answer to the park itself was lost. The music is played
     * even if the journal failed: Twilio does not retry a wait URL, so a 503 would only leave the caller in silence
     * while call-state still learns the park's outcome from Twilio's answer to it.
     */
    public Uni<String> hold(TwilioWebhook webhook) {
        Optional<CallerParked> parked = TwilioEvents.parked(webhook, Instant.now());
        if (parked.isEmpty()) {
            metrics.webhook(Endpoint.HOLD, Outcome.ACCEPTED);
            return Uni.createFrom().item(twiml.hold());
        }
        return storeThenAnswer(Endpoint.HOLD, parked.get(), twiml.hold())
                .onFailure(UnavailableException.class).recoverWithItem(failure -> {
                    Log.warnf("Played the parking lot's wait music to call %s without storing its arrival there: %s",
                            webhook.callSid(), failure.getMessage());
                    metrics.webhook(Endpoint.HOLD, Outcome.UNAVAILABLE);
                    return twiml.hold();
                });
    }

    private Uni<String> storeThenAnswer(Endpoint endpoint, TwilioEvent event, String answer) {
        return journal.store(event).map(stored -> {
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
