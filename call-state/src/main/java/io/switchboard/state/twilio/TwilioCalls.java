package io.switchboard.state.twilio;

import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.HttpMethod;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.Recording;
import com.twilio.twiml.VoiceResponse;
import com.twilio.rest.api.v2010.account.conference.Participant;
import com.twilio.rest.api.v2010.account.conference.ParticipantCreator;
import com.twilio.twiml.voice.Conference;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.type.Client;
import com.twilio.type.PhoneNumber;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.state.config.CallStateConfig;
import io.switchboard.state.core.TwilioAction;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.faulttolerance.Retry;

/** What call-state asks of Twilio's REST API, through twilio-java. */
@ApplicationScoped
public class TwilioCalls {
    /** Twilio's "The requested resource was not found" and "Call is not in-progress. Cannot redirect." */
    private static final int NOT_FOUND = 20404;
    private static final int NOT_IN_PROGRESS = 21220;
    private static final int TOO_MANY_REQUESTS = 429;
    /** Who the agent's phone shows as calling when the caller's number is not known. */
    private static final String UNKNOWN_CALLER = "client:switchboard";
    /**
     * The conference events call-state asks for: the caller's join decides a connect; the others trace a call. Not the
     * start: it comes with the agent's join, and Twilio may deliver a call's callbacks one after the other, so each
     * one more at the agent's answer is one more the caller's join waits behind.
     */
    private static final List<Conference.Event> CONFERENCE_EVENTS = List.of(Conference.Event.END,
            Conference.Event.JOIN, Conference.Event.LEAVE, Conference.Event.HOLD);

    private final TwilioRestClient client;
    private final String publicBaseUrl;
    /** Twilio's REST API as configured: where a recording's media is, as Twilio's recording callback names it. */
    private final String apiBaseUrl;
    private final int ringSeconds;
    private final int dialSeconds;
    private final String holdUrl;
    private final ManagedExecutor requests;

    public TwilioCalls(CallStateConfig config, ManagedExecutor requests) {
        this.requests = requests;
        CallStateConfig.Twilio twilio = config.twilio();
        this.client = new TwilioRestClient.Builder(twilio.accountSid(), twilio.authToken())
                .httpClient(new BaseUrlHttpClient(twilio.apiBaseUrl(), RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(twilio.requestTimeout()))
                        .setConnectTimeout(Timeout.of(twilio.requestTimeout()))
                        .setResponseTimeout(Timeout.of(twilio.requestTimeout())).build()))
                .build();
        this.publicBaseUrl = config.publicBaseUrl();
        this.apiBaseUrl = twilio.apiBaseUrl().replaceFirst("/+$", "");
        this.ringSeconds = (int) config.claim().ringTimeout().toSeconds();
        this.dialSeconds = (int) config.dial().ringTimeout().toSeconds();
        this.holdUrl = VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.HOLD, "");
    }

    /**
     * Carries out one action. A failure that may pass (Twilio's 5xx or 429, no connection, no answer in time) is tried
     * again with growing pauses: twilio-java repeats a 5xx three times at once, and these retries outlast a longer
     * outage. The whole stays well inside an action's lease ({@code switchboard.twilio.action-lease}), after which
     * another replica could take the action over. Change the policy with MicroProfile Fault Tolerance's keys, e.g.
     * {@code io.switchboard.state.twilio.TwilioCalls/perform/Retry/maxRetries}.
     *
     * @param again the action was taken over from a process that died: what adds a participant looks first whether
     *     Twilio added it already ({@link #doneBefore})
     * @throws CallGoneException the caller is gone: not tried again
     * @throws TwilioUnavailableException Twilio did not do it, even after the retries
     */
    @Retry(maxRetries = 4, delay = 200, jitter = 100, maxDuration = 8000, retryOn = TwilioOutageException.class)
    @ExponentialBackoff(maxDelay = 2000)
    public Optional<Leg> perform(String tenantId, TwilioAction action, boolean again) {
        if (action instanceof TwilioAction.PlaceCall place) {
            return Leg.dialled(doneBefore(again, place.callSid(), place.agentId())
                    .orElseGet(() -> placeCall(tenantId, place)));
        } else if (action instanceof TwilioAction.CallNumber number) {
            return Leg.dialled(doneBefore(again, number.callSid(), VoiceWebhooks.CALLER_LABEL)
                    .orElseGet(() -> callNumber(tenantId, number)));
        } else if (action instanceof TwilioAction.CheckNumber check) {
            return Optional.of(numberLeg(check.callSid()));
        } else if (action instanceof TwilioAction.ConnectToAgent connect) {
            Optional<String> earlier = doneBefore(again, connect.callSid(), connect.agentId());
            if (earlier.isPresent()) {
                // The agent's phone rings already; the caller's move went at the same moment, and is made again
                // unless Twilio has them in the conference.
                if (inConference(connect.callSid(), VoiceWebhooks.CALLER_LABEL).isEmpty()) {
                    redirect(connect.callSid(), joinConference(tenantId, connect.callSid(), connect.claimedAt()));
                }
                return Leg.dialled(earlier.get());
            }
            return Leg.dialled(connectToAgent(tenantId, connect.callSid(), connect.agentId(), connect.callerNumber(),
                    connect.claimedAt()));
        } else if (action instanceof TwilioAction.HoldCaller hold) {
            hold(tenantId, hold.callSid(), hold.inParkingLot());
        } else if (action instanceof TwilioAction.Overflow overflow) {
            overflow(tenantId, overflow.callSid(), overflow.forward());
        } else if (action instanceof TwilioAction.HoldInConference hold) {
            holdInConference(hold.callSid(), hold.onHold());
        } else if (action instanceof TwilioAction.StartConsult start) {
            startConsult(conferenceOf(start.callSid()), start.callSid(), start.agentId());
        } else if (action instanceof TwilioAction.Consult consult) {
            return Leg.dialled(consult(tenantId, consult, again));
        } else if (action instanceof TwilioAction.CompleteTransfer complete) {
            completeTransfer(complete.callSid(), complete.agentId(), complete.colleague());
        } else if (action instanceof TwilioAction.CancelConsult cancel) {
            cancelConsult(cancel.callSid(), cancel.agentId(), cancel.colleague());
        } else if (action instanceof TwilioAction.ParkCaller park) {
            park(tenantId, park.callSid(), park.agentId(), park.parkedAt());
        } else if (action instanceof TwilioAction.EndCall end) {
            if (end.conferenceOf() != null) {
                endAgentLeg(end.callSid(), end.conferenceOf());
            } else {
                endCall(end.callSid());
            }
        }
        return Optional.empty();
    }

    /**
     * Meets the caller and the agent in the call's conference: the caller is taken there to wait (hearing the wait
     * music; their leaving ends it), and Twilio rings the agent's client, whose answer starts it. Both requests go at
     * once, so the conference adds no round trip to Twilio before the agent's phone rings. The call counts as
     * connected once the agent's leg's {@code answered} callback and this method's return have both arrived; the leg's
     * callbacks name the caller's call ({@code call=}: Twilio gives a participant's call no parent) and the claim
     * ({@code claim=}).
     *
     * @return the agent's leg
     */
    public String connectToAgent(String tenantId, String callSid, String agentId, String callerNumber,
            Instant claimedAt) {
        CompletableFuture<Void> caller = CompletableFuture.runAsync(
                () -> redirect(callSid, joinConference(tenantId, callSid, claimedAt)), requests);
        Participant agent;
        try {
            agent = call(() -> agentJoins(Participant.creator(VoiceWebhooks.conference(callSid), caller(callerNumber),
                            new Client(ClientIdentity.of(tenantId, agentId))), tenantId, callSid, agentId, claimedAt)
                    // The agent hanging up ends the call, as the caller hanging up does.
                    .setEndConferenceOnExit(true)
                    // Whichever of the two requests opens the conference sets its callbacks: the same either way.
                    .setConferenceStatusCallback(conferenceCallback(tenantId, claimedAt))
                    .setConferenceStatusCallbackEvent(CONFERENCE_EVENTS.stream().map(Conference.Event::toString)
                            .toList())
                    .create(client));
        } catch (RuntimeException e) {
            joined(caller);
            throw e;
        }
        try {
            joined(caller);
        } catch (RuntimeException e) {
            // The caller did not reach the conference (gone, or Twilio would not move them): nobody waits for the
            // agent, whose phone is hung up before the failure is reported.
            try {
                endCall(agent.getCallSid());
            } catch (RuntimeException notEnded) {
                e.addSuppressed(notEnded);
            }
            throw e;
        }
        return agent.getCallSid();
    }

    /**
     * Rings the softphone of the agent who placed a call into the call's conference (named after call-state's id of
     * the call), showing the number they call. Their answer starts the conference, and their leaving ends it; the
     * leg's callbacks name the call and its placing as a claim's leg's do.
     *
     * @return the agent's leg
     */
    private String placeCall(String tenantId, TwilioAction.PlaceCall place) {
        return call(() -> agentJoins(Participant.creator(VoiceWebhooks.conference(place.callSid()),
                        new PhoneNumber(place.number()), new Client(ClientIdentity.of(tenantId, place.agentId()))),
                tenantId, place.callSid(), place.agentId(), place.placedAt())
                .setEndConferenceOnExit(true)
                .create(client)).getCallSid();
    }

    /**
     * Calls the number into the conference where the agent who placed the call waits, showing the tenant's number.
     * It is the conference's {@code caller} participant, as a caller who called in is; its leaving ends the call. Its
     * callbacks name the call ({@code call=}), as Twilio gives the leg no parent.
     *
     * @return the number's leg
     */
    private String callNumber(String tenantId, TwilioAction.CallNumber number) {
        return call(() -> Participant.creator(VoiceWebhooks.conference(number.callSid()),
                        new PhoneNumber(number.callerId()), new PhoneNumber(number.number()))
                .setLabel(VoiceWebhooks.CALLER_LABEL)
                .setTimeout(dialSeconds)
                .setEndConferenceOnExit(true)
                .setBeep("false")
                .setStatusCallback(webhook(VoiceWebhooks.STATUS, tenantId,
                        "&" + VoiceWebhooks.CALL + "=" + number.callSid()))
                .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
                .create(client)).getCallSid();
    }

    /**
     * The leg an earlier try of a taken-over action added to the call's conference as {@code label}, if it did. Twilio
     * takes no key that would make adding a participant safe to repeat, and the process that died may have added it
     * before it could store Twilio's answer: added again, the agent's phone would ring twice, or the number be called
     * twice. Looking costs two requests, so only a taken-over action ({@code again}) looks.
     */
    private Optional<String> doneBefore(boolean again, String callSid, String label) {
        return again ? inConference(callSid, label) : Optional.empty();
    }

    /** The leg of the participant labelled {@code label} in the call's conference, connecting or connected. */
    private Optional<String> inConference(String callSid, String label) {
        return participant(callSid, label)
                .filter(p -> p.getStatus() != Participant.Status.COMPLETE && p.getStatus() != Participant.Status.FAILED)
                .map(Participant::getCallSid);
    }

    /** The participant labelled {@code label} in the call's conference that is not over, as Twilio has it now. */
    private Optional<Participant> participant(String callSid, String label) {
        var conferences = call(() -> com.twilio.rest.api.v2010.account.Conference.reader()
                .setFriendlyName(VoiceWebhooks.conference(callSid)).limit(5).read(client));
        for (var conference : conferences) {
            if (conference.getStatus() == com.twilio.rest.api.v2010.account.Conference.Status.COMPLETED) {
                continue;
            }
            try {
                return Optional.of(call(() -> Participant.fetcher(conference.getSid(), label).fetch(client)));
            } catch (CallGoneException e) {
                // Not in this conference.
            }
        }
        return Optional.empty();
    }

    /**
     * The leg of the number a placed call called, as Twilio has it now: the conference's {@code caller} participant,
     * ringing or talking. A number not in the conference (it never answered, it left, or the conference is over) is
     * not on the call: {@code no-answer}.
     */
    private Leg numberLeg(String callSid) {
        return participant(callSid, VoiceWebhooks.CALLER_LABEL)
                .map(number -> new Leg(number.getCallSid(), switch (number.getStatus()) {
                    case CONNECTED -> TwilioCallStatus.IN_PROGRESS;
                    case COMPLETE -> TwilioCallStatus.COMPLETED;
                    case FAILED -> TwilioCallStatus.NO_ANSWER;
                    case QUEUED, CONNECTING, RINGING -> TwilioCallStatus.RINGING;
                }))
                .orElse(new Leg(null, TwilioCallStatus.NO_ANSWER));
    }

    /**
     * An agent's participant: rings the agent's softphone, starts the conference on answering, and names its call
     * and its claim in its callbacks.
     */
    private ParticipantCreator agentJoins(ParticipantCreator participant, String tenantId, String callSid,
            String agentId, Instant claimedAt) {
        return participant.setLabel(agentId)
                .setTimeout(ringSeconds)
                .setStartConferenceOnEnter(true)
                .setBeep("false")
                .setStatusCallback(webhook(VoiceWebhooks.STATUS, tenantId, "&" + VoiceWebhooks.CALL + "=" + callSid
                        + "&" + VoiceWebhooks.CLAIM + "=" + claimedAt.toEpochMilli()))
                .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"));
    }

    /** Who the agent's phone shows as calling; an action stored by an earlier version names nobody. */
    private static com.twilio.type.Endpoint caller(String callerNumber) {
        return callerNumber != null ? new PhoneNumber(callerNumber) : new Client(UNKNOWN_CALLER);
    }

    /** The TwiML that takes the caller into the call's conference, to wait there for the agent. */
    public String joinConference(String tenantId, String callSid, Instant claimedAt) {
        Conference conference = new Conference.Builder(VoiceWebhooks.conference(callSid))
                .participantLabel(VoiceWebhooks.CALLER_LABEL)
                .startConferenceOnEnter(false)
                .endConferenceOnExit(true)
                .beep(Conference.Beep.FALSE)
                .waitUrl(holdUrl)
                .statusCallback(conferenceCallback(tenantId, claimedAt))
                .statusCallbackEvents(CONFERENCE_EVENTS)
                .build();
        return new VoiceResponse.Builder().dial(new Dial.Builder().conference(conference).build()).build().toXml();
    }

    /**
     * The conference's callbacks name the claim that opened it, so that the caller's {@code participant-join} tells
     * call-state the caller is there for this claim, not an earlier one.
     */
    private String conferenceCallback(String tenantId, Instant claimedAt) {
        return webhook(VoiceWebhooks.CONFERENCE, tenantId, "&" + VoiceWebhooks.CLAIM + "=" + claimedAt.toEpochMilli());
    }

    /** Waits for the caller's redirect, and throws what it threw. */
    private static void joined(CompletableFuture<Void> caller) {
        try {
            caller.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Puts the caller on hold in the call's conference, hearing the hold music, or takes them off it. Participants are
     * named by the conference's SID, which Twilio gives when asked for the call's conference by name.
     */
    public void holdInConference(String callSid, boolean onHold) {
        setHold(conferenceOf(callSid), onHold);
    }

    /** The caller is the conference's participant labelled {@code caller}: one who called in, or a number called. */
    private void setHold(String conference, boolean onHold) {
        call(() -> Participant.updater(conference, VoiceWebhooks.CALLER_LABEL).setHold(onHold).setHoldUrl(holdUrl)
                .update(client));
    }

    /**
     * The SID of the call's conference in progress, which Twilio's participant requests name (only a new participant
     * may name a conference by its name).
     *
     * @throws CallGoneException there is none: the caller left it
     */
    private String conferenceOf(String callSid) {
        var conferences = call(() -> com.twilio.rest.api.v2010.account.Conference.reader()
                .setFriendlyName(VoiceWebhooks.conference(callSid))
                .setStatus(com.twilio.rest.api.v2010.account.Conference.Status.IN_PROGRESS).limit(1).read(client))
                .iterator();
        if (!conferences.hasNext()) {
            throw new CallGoneException("Twilio has no conference in progress for call " + callSid);
        }
        return conferences.next().getSid();
    }

    /** The caller on hold, and {@code agentId}'s leaving no longer ending the call: a consult may begin. */
    private void startConsult(String conference, String callSid, String agentId) {
        setHold(conference, true);
        endsTheCall(conference, agentId, false);
    }

    /** Rings the colleague of a warm transfer into the call's conference, the caller on hold; returns their leg. */
    private String consult(String tenantId, TwilioAction.Consult consult, boolean again) {
        String conference = conferenceOf(consult.callSid());
        startConsult(conference, consult.callSid(), consult.agentId());
        return doneBefore(again, consult.callSid(), consult.colleague()).orElseGet(() -> call(() -> agentJoins(
                        Participant.creator(conference, caller(consult.callerNumber()),
                                new Client(ClientIdentity.of(tenantId, consult.colleague()))),
                        tenantId, consult.callSid(), consult.colleague(), consult.claimedAt())
                // Until the transfer is complete the colleague is a guest: their hanging up leaves the caller be.
                .setEndConferenceOnExit(false)
                .create(client)).getCallSid());
    }

    /**
     * The caller goes to the colleague: the colleague's leaving ends the call, the agent out, then the caller off hold —
     * in that order, so the caller never hears both agents at once.
     */
    private void completeTransfer(String callSid, String agentId, String colleague) {
        String conference = conferenceOf(callSid);
        try {
            endsTheCall(conference, colleague, true);
        } catch (CallGoneException e) {
            // The colleague hung up before the handover: the caller waits on hold with the agent, if they are still in.
            throw new ColleagueLeftException(colleague + " left the conference before the handover: "
                    + e.getMessage(), inConference(callSid, agentId).orElse(null));
        }
        leaves(conference, agentId);
        setHold(conference, false);
    }

    /** The caller back with the agent: the colleague out, the caller off hold, the agent's leaving ends the call. */
    private void cancelConsult(String callSid, String agentId, String colleague) {
        String conference = conferenceOf(callSid);
        leaves(conference, colleague);
        setHold(conference, false);
        try {
            endsTheCall(conference, agentId, true);
        } catch (CallGoneException e) {
            throw new AgentLeftException(agentId + " left the conference during the consult: " + e.getMessage());
        }
    }

    private void endsTheCall(String conference, String agentId, boolean ends) {
        call(() -> Participant.updater(conference, agentId).setEndConferenceOnExit(ends).update(client));
    }

    /** Takes the agent's participant out of the conference: their leg ends. One already gone is left be. */
    private void leaves(String conference, String agentId) {
        try {
            call(() -> Participant.deleter(conference, agentId).delete(client));
        } catch (CallGoneException e) {
            // They hung up first.
        }
    }

    /** Puts the caller on hold, hearing the wait music: in the tenant's queue, or in its parking lot's. */
    public void hold(String tenantId, String callSid, boolean inParkingLot) {
        enqueue(callSid, VoiceWebhooks.queue(tenantId, inParkingLot), holdUrl);
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

    /**
     * Sends the caller to the tenant's voicemail, or to its overflow number ({@code forward}): Twilio fetches that TwiML
     * from call-ingest, which reads the tenant's greeting and number as they are at that moment.
     */
    public void overflow(String tenantId, String callSid, boolean forward) {
        String url = webhook(forward ? VoiceWebhooks.FORWARD : VoiceWebhooks.VOICEMAIL, tenantId,
                "&" + VoiceWebhooks.CALL + "=" + URLEncoder.encode(callSid, StandardCharsets.UTF_8));
        call(() -> Call.updater(callSid).setUrl(url).setMethod(HttpMethod.POST).update(client));
    }

    /** A voicemail's recording at Twilio: {@code url} is its media, as the recording callback names it. */
    public record Recorded(String sid, String url, int durationSeconds) {
    }

    /**
     * The message the caller of {@code callSid} left, if Twilio stored one with something in it. A recording Twilio is
     * still processing is asked about again (retried as an outage), since its end is near.
     *
     * @throws TwilioUnavailableException Twilio did not answer, or still processes the recording after the retries
     */
    @Retry(maxRetries = 4, delay = 200, jitter = 100, maxDuration = 8000, retryOn = TwilioOutageException.class)
    @ExponentialBackoff(maxDelay = 2000)
    public Optional<Recorded> voicemailOf(String callSid) {
        List<Recording> recordings = call(() -> {
            List<Recording> found = new ArrayList<>();
            Recording.reader().setCallSid(callSid).read(client).forEach(found::add);
            return found;
        });
        if (recordings.stream().anyMatch(r -> r.getStatus() == Recording.Status.IN_PROGRESS
                || r.getStatus() == Recording.Status.PROCESSING)) {
            throw new TwilioOutageException("Twilio is still processing the recording of call " + callSid, null);
        }
        return recordings.stream()
                .filter(r -> r.getStatus() == Recording.Status.COMPLETED && r.getDuration() != null
                        && Integer.parseInt(r.getDuration()) > 0)
                .findFirst()
                .map(r -> new Recorded(r.getSid(), apiBaseUrl + r.getUri().replaceFirst("\\.json$", ""),
                        Integer.parseInt(r.getDuration())));
    }

    /** Redirects the caller into {@code queue}, where Twilio plays them the music at {@code waitUrl}. */
    private void enqueue(String callSid, String queue, String waitUrl) {
        Enqueue enqueue = new Enqueue.Builder(queue).waitUrl(waitUrl).build();
        redirect(callSid, new VoiceResponse.Builder().enqueue(enqueue).build().toXml());
    }

    /**
     * What Twilio knows of a call.
     *
     * @param status the call's status at Twilio
     * @param endedAt when it ended, or null
     */
    public record CallAtTwilio(TwilioCallStatus status, Instant endedAt) {
    }

    /** A leg Twilio named in its answer: one it just dialled, or a placed call's number leg it was asked about. */
    public record Leg(String sid, TwilioCallStatus status) {
        static Optional<Leg> dialled(String sid) {
            return Optional.of(new Leg(sid, TwilioCallStatus.QUEUED));
        }
    }

    /**
     * Twilio's own record of the call: its status and end time, or empty when Twilio does not know it. A call an agent
     * placed is read from its conference: in progress, or over when it completed.
     *
     * @throws TwilioUnavailableException Twilio did not answer
     */
    public Optional<CallAtTwilio> fetch(String callSid) {
        if (OutboundCall.is(callSid)) {
            var conferences = call(() -> com.twilio.rest.api.v2010.account.Conference.reader()
                    .setFriendlyName(VoiceWebhooks.conference(callSid)).limit(1).read(client)).iterator();
            if (!conferences.hasNext()) {
                return Optional.empty();
            }
            var conference = conferences.next();
            return Optional.of(conference.getStatus() == com.twilio.rest.api.v2010.account.Conference.Status.COMPLETED
                    ? new CallAtTwilio(TwilioCallStatus.COMPLETED, conference.getDateUpdated().toInstant())
                    : new CallAtTwilio(TwilioCallStatus.IN_PROGRESS, null));
        }
        try {
            Call call = call(() -> Call.fetcher(callSid).fetch(client));
            return Optional.of(new CallAtTwilio(TwilioCallStatus.fromWire(String.valueOf(call.getStatus()))
                    .orElse(null), call.getEndTime() == null ? null : call.getEndTime().toInstant()));
        } catch (CallGoneException e) {
            return Optional.empty();
        }
    }

    /**
     * Hangs up an agent's leg that may be in {@code callSid}'s conference, without ending the conference: the caller
     * may wait there to be taken back to the queue, or talk with another agent. An agent's leaving ends the call
     * otherwise ({@link #connectToAgent}).
     */
    private void endAgentLeg(String legSid, String callSid) {
        try {
            String conference = conferenceOf(callSid);
            call(() -> Participant.updater(conference, legSid).setEndConferenceOnExit(false).update(client));
        } catch (CallGoneException e) {
            // No conference in progress, or the leg is not in it: its end ends nothing else.
        }
        endCall(legSid);
    }

    /**
     * Hangs up a call, or an agent's leg. A call an agent placed is no call at Twilio but two legs in a conference:
     * ending the conference hangs both up.
     */
    public void endCall(String callSid) {
        if (OutboundCall.is(callSid)) {
            String conference = conferenceOf(callSid);
            call(() -> com.twilio.rest.api.v2010.account.Conference.updater(conference)
                    .setStatus(com.twilio.rest.api.v2010.account.Conference.UpdateStatus.COMPLETED).update(client));
            return;
        }
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

    /**
     * The agent is no longer in the call's conference, which their leaving did not end (a consult was under way): the
     * caller is there without them.
     */
    public static class AgentLeftException extends CallGoneException {
        AgentLeftException(String message) {
            super(message);
        }
    }

    /**
     * The colleague of a warm transfer is no longer in the call's conference as the call is handed to them: they hung
     * up first. {@code agentLeg} is the leg of the agent who completed the transfer, still in the conference with the
     * caller on hold, or null when they left too.
     */
    public static class ColleagueLeftException extends CallGoneException {
        private final String agentLeg;

        ColleagueLeftException(String message, String agentLeg) {
            super(message);
            this.agentLeg = agentLeg;
        }

        public String agentLeg() {
            return agentLeg;
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
