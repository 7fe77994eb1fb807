package io.switchboard.state.twilio;

import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Identity;
import com.twilio.twiml.voice.Parameter;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.TwilioAction;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.microprofile.faulttolerance.Retry;

/** What call-state asks of Twilio's REST API, through twilio-java. */
@ApplicationScoped
public class TwilioCalls {
    /** Twilio's "The requested resource was not found" and "Call is not in-progress. Cannot redirect." */
    private static final int NOT_FOUND = 20404;
    private static final int NOT_IN_PROGRESS = 21220;
    private static final int TOO_MANY_REQUESTS = 429;

    private final TwilioRestClient client;
    private final String publicBaseUrl;
    private final int ringSeconds;

    public TwilioCalls(CallStateConfig config) {
        CallStateConfig.Twilio twilio = config.twilio();
        this.client = new TwilioRestClient.Builder(twilio.accountSid(), twilio.authToken())
                .httpClient(new BaseUrlHttpClient(twilio.apiBaseUrl(), RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(twilio.requestTimeout()))
                        .setConnectTimeout(Timeout.of(twilio.requestTimeout()))
                        .setResponseTimeout(Timeout.of(twilio.requestTimeout())).build()))
                .build();
        this.publicBaseUrl = config.publicBaseUrl();
        this.ringSeconds = (int) config.claim().ringTimeout().toSeconds();
    }

    /**
     * Carries out one action. A failure that may pass (Twilio's 5xx or 429, no connection, no answer in time) is tried
     * again with growing pauses: twilio-java repeats a 5xx three times at once, and these retries outlast a longer
     * outage. The whole stays well inside an action's lease ({@code switchboard.twilio.action-lease}), after which
     * another replica could take the action over. Change the policy with MicroProfile Fault Tolerance's keys, e.g.
     * {@code io.switchboard.state.twilio.TwilioCalls/perform/Retry/maxRetries}.
     *
     * @throws CallGoneException the caller is gone: not tried again
     * @throws TwilioUnavailableException Twilio did not do it, even after the retries
     */
    @Retry(maxRetries = 4, delay = 200, jitter = 100, maxDuration = 8000, retryOn = TwilioOutageException.class)
    @ExponentialBackoff(maxDelay = 2000)
    public void perform(String tenantId, TwilioAction action) {
        if (action instanceof TwilioAction.ConnectToAgent connect) {
            connectToAgent(tenantId, connect.callSid(), connect.agentId(), connect.fromParkingLot(),
                    connect.claimedAt());
        } else if (action instanceof TwilioAction.HoldCaller hold) {
            hold(tenantId, hold.callSid(), hold.inParkingLot());
        } else if (action instanceof TwilioAction.ParkCaller park) {
            park(tenantId, park.callSid(), park.agentId(), park.parkedAt());
        } else if (action instanceof TwilioAction.EndCall end) {
            endCall(end.callSid());
        }
    }

    /**
     * Takes the caller out of the queue and rings the agent's client. The call counts as connected only when
     * the leg's {@code answered} callback arrives; {@code <Dial action>} tells call-ingest what the caller
     * hears if the agent doesn't answer. The caller's call SID travels as a custom parameter: the agent's
     * softphone answers only the leg of the call this agent claimed (the child leg has a SID of its own).
     */
    public void connectToAgent(String tenantId, String callSid, String agentId, boolean fromParkingLot,
            Instant claimedAt) {
        redirect(callSid, dialAgent(tenantId, callSid, agentId, fromParkingLot, claimedAt));
    }

    /** The TwiML {@link #connectToAgent} sends; the leg's callbacks name the claim ({@code claim=}). */
    public String dialAgent(String tenantId, String callSid, String agentId, boolean fromParkingLot,
            Instant claimedAt) {
        Client client = new Client.Builder()
                // The tenant is part of the identity: client identities are per Twilio account, not per tenant.
                .identity(new Identity.Builder(ClientIdentity.of(tenantId, agentId)).build())
                .parameter(new Parameter.Builder().name(VoiceWebhooks.CALL_SID_PARAMETER).value(callSid).build())
                .statusCallback(webhook(VoiceWebhooks.STATUS, tenantId,
                        "&" + VoiceWebhooks.CLAIM + "=" + claimedAt.toEpochMilli()))
                .statusCallbackEvents(List.of(Client.Event.INITIATED, Client.Event.RINGING, Client.Event.ANSWERED,
                        Client.Event.COMPLETED))
                .build();
        Dial dial = new Dial.Builder()
                .answerOnBridge(true)
                .timeout(ringSeconds)
                .action(webhook(VoiceWebhooks.DIAL_ENDED, tenantId,
                        fromParkingLot ? "&" + VoiceWebhooks.PARKED + "=true" : ""))
                .client(client)
                .build();
        return new VoiceResponse.Builder().dial(dial).build().toXml();
    }

    /** Puts the caller on hold, hearing the wait music: in the tenant's queue, or in its parking lot's. */
    public void hold(String tenantId, String callSid, boolean inParkingLot) {
        enqueue(callSid, VoiceWebhooks.queue(tenantId, inParkingLot),
                VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.HOLD, ""));
    }

    /**
     * Puts the caller in the parking lot. The lot's wait music URL names the park ({@code parkedBy=&parkedAt=}):
     * Twilio fetches it once the caller is there, which confirms the park even if this request's answer is lost.
     */
    public void park(String tenantId, String callSid, String agentId, Instant parkedAt) {
        enqueue(callSid, VoiceWebhooks.queue(tenantId, true), webhook(VoiceWebhooks.HOLD, tenantId, "&"
                + VoiceWebhooks.PARKED_BY + "=" + URLEncoder.encode(agentId, StandardCharsets.UTF_8) + "&"
                + VoiceWebhooks.PARKED_AT + "=" + parkedAt.toEpochMilli()));
    }

    /** Redirects the caller into {@code queue}, where Twilio plays them the music at {@code waitUrl}. */
    private void enqueue(String callSid, String queue, String waitUrl) {
        Enqueue enqueue = new Enqueue.Builder(queue).waitUrl(waitUrl).build();
        redirect(callSid, new VoiceResponse.Builder().enqueue(enqueue).build().toXml());
    }

    /**
     * Twilio's own record of the call: its status and end time, or empty when Twilio does not know it.
     *
     * @throws TwilioUnavailableException Twilio did not answer
     */
    public Optional<Call> fetch(String callSid) {
        try {
            return Optional.of(call(() -> Call.fetcher(callSid).fetch(client)));
        } catch (CallGoneException e) {
            return Optional.empty();
        }
    }

    public void endCall(String callSid) {
        call(() -> Call.updater(callSid).setStatus(Call.UpdateStatus.COMPLETED).update(client));
    }

    private void redirect(String callSid, String twiml) {
        call(() -> Call.updater(callSid).setTwiml(twiml).update(client));
    }

    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (ApiException e) {
            Integer code = e.getCode();
            if (code != null && (code == NOT_FOUND || code == NOT_IN_PROGRESS)) {
                throw new CallGoneException(e.getMessage());
            }
            Integer status = e.getStatusCode();
            if (status == null || status >= 500 || status == TOO_MANY_REQUESTS) {
                throw new TwilioOutageException(e.getMessage(), e);
            }
            throw new TwilioUnavailableException(e.getMessage(), e);
        } catch (TwilioException e) {
            // No answer: no connection, or none within the request timeout.
            throw new TwilioOutageException(e.getMessage(), e);
        }
    }

    /** The URL of call-ingest's {@code endpoint} for the tenant, {@code more} query parameters, and its overrides. */
    private String webhook(String endpoint, String tenantId, String more) {
        return VoiceWebhooks.url(publicBaseUrl, endpoint,
                "tenant=" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8) + more);
    }

    /** Twilio says the call is over or unknown: the caller is gone. */
    public static class CallGoneException extends RuntimeException {
        CallGoneException(String message) {
            super(message);
        }
    }

    /** Twilio did not do what was asked (unreachable, refused, failed); nothing changed there. */
    public static class TwilioUnavailableException extends RuntimeException {
        TwilioUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Twilio could not do it now (down, overloaded, unreachable): the same request may succeed later. */
    public static class TwilioOutageException extends TwilioUnavailableException {
        TwilioOutageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

}
