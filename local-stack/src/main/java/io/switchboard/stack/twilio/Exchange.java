package io.switchboard.stack.twilio;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Twilio's side of the calls, without I/O: the calls, their legs, the conferences, and what their TwiML makes them
 * do. Each method returns the {@link Effect}s the shell ({@link TwilioSimulator}) carries out, in order: webhooks to
 * send and timers to set. The answer to a TwiML fetch comes back through {@link #twimlArrived}, or its lack through
 * {@link #twimlUnavailable}.
 *
 * <p>Every call belongs to a conversation, whose webhooks leave in order and whose history its first call keeps: a
 * caller's call and its legs; a call placed over REST on its own; and a conference's callbacks together with the
 * calls Twilio places to add its participants, in the conversation of the call whose TwiML opened it.
 *
 * <p>Not thread-safe: the shell calls it under one lock, and queues the effects before it lets go of the lock, so
 * webhooks leave in the order they were decided.
 */
final class Exchange {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());
    static final String API_VERSION = "2010-04-01";
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");
    private static final Pattern CONFERENCE_SID = Pattern.compile("CF[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{1,14}");
    /** Twilio's default for a REST call's ring time ({@code Timeout}). */
    static final int DEFAULT_TIMEOUT_SECONDS = 60;
    /**
     * How long Twilio takes to process a recording once it ends, before its status callback leaves and its media can
     * be fetched. Twilio documents no figure, only that the file "may not always be ready right away"; a moment is
     * enough to keep an application from expecting the callback at the instant the caller hangs up.
     */
    static final Duration RECORDING_PROCESSING = Duration.ofMillis(300);
    /** Twilio's error for a recording too short to keep (status {@code absent}). */
    static final int RECORDING_TOO_SHORT = 16101;

    sealed interface Effect permits Send, Schedule {
    }

    /**
     * Deliver {@code webhook}. Webhooks of one {@code conversation} (a caller's call and its legs) leave in order.
     * When {@code fetchesTwiml}, hand the answer to {@link #twimlArrived} or {@link #twimlUnavailable} with
     * {@code generation}, so an answer that arrives after the call moved on is ignored.
     */
    record Send(String conversation, Webhook webhook, boolean fetchesTwiml, int generation) implements Effect {
    }

    /** Call {@link #fire} with {@code timer} after {@code after}. */
    record Schedule(Duration after, Timer timer) implements Effect {
    }

    /** Something that happens to a call later: its device rings, answers, declines, or stops ringing. */
    sealed interface Timer permits CallPlaced, AgentAnswers, AgentDeclines, DialTimesOut, RecordingMaxLength,
            RecordingProcessed {
        String callSid();
    }

    /** A {@code <Record>}'s {@code maxLength} passed with the caller still speaking. */
    record RecordingMaxLength(String callSid, String recordingSid) implements Timer {
    }

    /** Twilio finished processing a recording: its media is ready, and its status callback leaves. */
    record RecordingProcessed(String callSid, String recordingSid) implements Timer {
    }

    /** A call placed over REST leaves Twilio's queue and rings its device. */
    record CallPlaced(String callSid) implements Timer {
    }

    record AgentAnswers(String callSid) implements Timer {
    }

    record AgentDeclines(String callSid) implements Timer {
    }

    /** The {@code <Dial timeout>}, or a REST call's {@code Timeout}, ran out while the device rang. */
    record DialTimesOut(String callSid) implements Timer {
    }

    static final class NoSuchCall extends java.util.NoSuchElementException {
        NoSuchCall(String sid) {
            super("The simulator has no call " + sid);
        }
    }

    /** Twilio's error 21220: TwiML or a URL for a call that is over. */
    static final class NotInProgress extends RuntimeException {
        NotInProgress() {
            super("Call is not in-progress. Cannot redirect.");
        }
    }

    static final class NoSuchRecording extends java.util.NoSuchElementException {
        NoSuchRecording(String sid) {
            super("The simulator has no recording " + sid);
        }
    }

    /** No conference with that SID, or not one that is still active. */
    static final class NoSuchConference extends java.util.NoSuchElementException {
        NoSuchConference(String sid) {
            super("The simulator has no active conference " + sid);
        }
    }

    static final class NoSuchParticipant extends java.util.NoSuchElementException {
        NoSuchParticipant(String conferenceSid, String callSidOrLabel) {
            super("Conference " + conferenceSid + " has no participant " + callSidOrLabel);
        }
    }

    /** Twilio's error 21211: a {@code To} that is neither E.164 nor {@code client:identity}. */
    static final class InvalidTo extends IllegalArgumentException {
        InvalidTo(String to) {
            super("The 'To' number " + to + " is not a valid phone number.");
        }
    }

    /**
     * Where and what Twilio reports of a call's progress.
     *
     * @param url    null: nowhere
     * @param events {@code initiated ringing answered completed}
     */
    record StatusCallback(String url, String method, Set<String> events) {
        static final StatusCallback NONE = new StatusCallback(null, "POST", Set.of());

        StatusCallback {
            events = Set.copyOf(events);
        }
    }

    /**
     * {@code POST Calls.json}: Twilio calls {@code to} from {@code from}; once answered the call runs {@code twiml},
     * or what {@code url} answers.
     */
    record OutboundCall(String from, String to, List<Twiml.Verb> twiml, String url, String method,
            StatusCallback statusCallback, int timeoutSeconds) {
    }

    /**
     * {@code POST Conferences/{Sid or FriendlyName}/Participants.json}: Twilio calls {@code to} and, once answered,
     * puts the call into the conference. The conference's own callbacks count only when this participant opens it.
     */
    record ParticipantRequest(String from, String to, String label, int timeoutSeconds, StatusCallback statusCallback,
            boolean startConferenceOnEnter, boolean endConferenceOnExit, boolean muted, String waitUrl,
            String waitMethod, String conferenceStatusCallback, String conferenceStatusCallbackMethod,
            Set<String> conferenceStatusCallbackEvents) {
    }

    /** {@code POST Conferences/{Sid}/Participants/{CallSid or Label}.json}: a null leaves that as it is. */
    record ParticipantUpdate(Boolean muted, Boolean hold, String holdUrl, String holdMethod, String announceUrl,
            String announceMethod, Boolean endConferenceOnExit) {
    }

    private final String accountSid;
    private final Map<String, TwilioSimulator.Number> numbers;
    private final Duration answerDelay;
    private final Clock clock;
    private final Supplier<String> legSids;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, AnswerMode> devices = new HashMap<>();
    private final Map<String, Conference> conferences = new LinkedHashMap<>();
    private final Map<String, Recording> recordings = new LinkedHashMap<>();
    /** Where the REST API is, for the {@code RecordingUrl}s: Twilio's own until the shell says where it listens. */
    private String baseUrl = "https://api.twilio.com";
    /** Orders the participants by the moment they joined. */
    private long joins;
    /** Orders the calls by the moment they were made. */
    private long made;

    Exchange(String accountSid, Map<String, TwilioSimulator.Number> numbers, Duration answerDelay, Clock clock,
            Supplier<String> legSids) {
        this.accountSid = accountSid;
        this.numbers = new HashMap<>(numbers);
        this.answerDelay = answerDelay;
        this.clock = clock;
        this.legSids = legSids;
    }

    // ---- what people and tests do -------------------------------------------------------------------------------

    /** The account buys another number (the benchmark gives each of its tenants one). */
    void addNumber(String number, TwilioSimulator.Number webhooks) {
        numbers.put(number, webhooks);
    }

    /** A caller dials one of the account's numbers: Twilio asks the number's voice URL what to do. */
    List<Effect> placeCall(String sid, String from, String to) {
        TwilioSimulator.Number number = numbers.get(to);
        if (number == null) {
            throw new IllegalArgumentException("The simulator has no number " + to + "; its numbers: "
                    + numbers.keySet());
        }
        Call call = new Call(sid, null, from, to, "inbound", now());
        call.status = "ringing";
        call.number = number;
        // A number's status callback hears of the end of its calls only.
        call.callbacks = new StatusCallback(number.statusCallbackUrl(), "POST", Set.of("completed"));
        register(call);
        return List.of(fetch(call, "incoming", number.voiceUrl(), "POST", callParams(call)));
    }

    /** The caller (for a caller's call) or the agent (for a leg) hangs up. */
    List<Effect> hangUp(String sid) {
        Call call = get(sid);
        if (call.ended != null) {
            return List.of();
        }
        if (call.isLeg()) {
            // Hanging up a ringing device declines it.
            return legEnds(call, call.answered == null ? "busy" : "completed");
        }
        if (call.placed() && call.answered == null) {
            return unanswered(call, "busy");
        }
        return end(call, "completed");
    }

    /** {@code http://localhost:PORT}: the base of the URLs Twilio gives out for its recordings. */
    void baseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    void answerMode(String device, AnswerMode mode) {
        devices.put(device, mode);
    }

    AnswerMode answerMode(String device) {
        return devices.getOrDefault(device, AnswerMode.AUTO);
    }

    // ---- REST: POST Calls.json, under the API version's account path ------------------------------------------------

    /** Twilio queues the call, answers the request, then rings the device. */
    List<Effect> placeOutboundCall(String sid, OutboundCall request) {
        requireTo(request.to());
        Call call = new Call(sid, null, request.from(), request.to(), "outbound-api", now());
        call.activity = "queued";
        call.callbacks = request.statusCallback();
        call.timeoutSeconds = request.timeoutSeconds();
        call.answerTwiml = request.twiml();
        call.answerUrl = request.url();
        call.answerMethod = request.method();
        register(call);
        return List.of(new Schedule(Duration.ZERO, new CallPlaced(sid)));
    }

    // ---- REST: Conferences/..., under the API version's account path ------------------------------------------------

    /**
     * Twilio places a call to {@code request.to()} that joins the conference once answered. {@code conference} is
     * the conference's SID (it must be active) or its FriendlyName: the active conference of that name, or a new
     * one.
     *
     * @throws NoSuchConference for a SID of no active conference
     * @throws InvalidTo        for a {@code To} Twilio cannot call
     */
    List<Effect> addParticipant(String sid, String conference, ParticipantRequest request) {
        requireTo(request.to());
        Conference conf;
        if (CONFERENCE_SID.matcher(conference).matches()) {
            conf = conferences.get(conference);
            if (conf == null || conf.ended != null) {
                throw new NoSuchConference(conference);
            }
        } else {
            conf = active(conference);
            if (conf == null) {
                Set<String> events = request.conferenceStatusCallbackEvents().isEmpty()
                        ? Set.of("start", "end") : request.conferenceStatusCallbackEvents();
                conf = open(conference, sid, request.conferenceStatusCallback(),
                        request.conferenceStatusCallbackMethod(), events);
            }
        }
        Call call = new Call(sid, null, request.from(), request.to(), "outbound-api", now());
        call.activity = "queued";
        call.conversation = conf.conversation;
        call.callbacks = request.statusCallback();
        call.timeoutSeconds = request.timeoutSeconds();
        register(call);
        Participant p = new Participant(sid, request.label(), conf, true, now());
        p.startOnEnter = request.startConferenceOnEnter();
        p.endOnExit = request.endConferenceOnExit();
        p.muted = request.muted();
        p.waitUrl = request.waitUrl();
        p.waitMethod = request.waitMethod();
        p.status = "queued";
        conf.participants.add(p);
        call.participant = p;
        call.lastConference = conf;
        return List.of(new Schedule(Duration.ZERO, new CallPlaced(sid)));
    }

    /**
     * Holds, mutes, announces to, or changes {@code endConferenceOnExit} of a participant connecting or connected.
     *
     * @throws NoSuchConference  for a SID of no active conference (a FriendlyName is no SID here, as on Twilio)
     * @throws NoSuchParticipant for a call sid or label of no such participant
     */
    List<Effect> updateParticipant(String conferenceSid, String callSidOrLabel, ParticipantUpdate update) {
        Participant p = activeParticipant(conferenceSid, callSidOrLabel);
        Conference conf = p.conference;
        Call call = calls.get(p.callSid);
        List<Effect> out = new ArrayList<>();
        if (update.endConferenceOnExit() != null && update.endConferenceOnExit() != p.endOnExit) {
            p.endOnExit = update.endConferenceOnExit();
            out.addAll(conferenceEvent(conf, "modify", "participant-modify", p, Map.of()));
        }
        if (update.muted() != null && update.muted() != p.muted) {
            p.muted = update.muted();
            out.addAll(conferenceEvent(conf, "mute", p.muted ? "participant-mute" : "participant-unmute", p, Map.of()));
        }
        if (update.hold() != null && update.hold() != p.hold) {
            p.hold = update.hold();
            out.addAll(conferenceEvent(conf, "hold", p.hold ? "participant-hold" : "participant-unhold", p, Map.of()));
        }
        if (Boolean.TRUE.equals(update.hold()) && update.holdUrl() != null) {
            // The hold music is for the participant's ears; its answer changes nothing else.
            out.add(send(call, "hold", update.holdUrl(), orDefault(update.holdMethod(), "GET"), callParams(call),
                    false));
        }
        if (update.announceUrl() != null) {
            out.add(send(call, "announce", update.announceUrl(), orDefault(update.announceMethod(), "POST"),
                    callParams(call), false));
        }
        p.updated = now();
        conf.updated = now();
        talk(conf);
        return out;
    }

    /**
     * Takes the participant out of its conference: a participant Twilio called is hung up (its call cancelled while
     * it rings); one that dialled in goes on with its TwiML after the {@code <Dial>}.
     */
    List<Effect> removeParticipant(String conferenceSid, String callSidOrLabel) {
        Participant p = activeParticipant(conferenceSid, callSidOrLabel);
        Call call = calls.get(p.callSid);
        if (!p.connected()) {
            return unanswered(call, "canceled", "participant_updated_via_api");
        }
        return leaveConference(call, "participant_updated_via_api", call.status, true, true);
    }

    /** {@code Status=completed} ends the conference; {@code AnnounceUrl} is fetched for all to hear. */
    List<Effect> updateConference(String conferenceSid, String status, String announceUrl, String announceMethod) {
        Conference conf = conferences.get(conferenceSid);
        if (conf == null) {
            throw new NoSuchConference(conferenceSid);
        }
        List<Effect> out = new ArrayList<>();
        if (conf.ended != null) {
            return out;
        }
        if (announceUrl != null) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("AccountSid", accountSid);
            params.put("ConferenceSid", conf.sid);
            params.put("FriendlyName", conf.name);
            out.add(new Send(conf.conversation, new Webhook("announce", conf.conversation,
                    orDefault(announceMethod, "POST"), announceUrl, params), false, 0));
        }
        if ("completed".equals(status)) {
            List<Participant> goOn = new ArrayList<>();
            out.addAll(endConference(conf, "conference-ended-via-api", null, "conference_ended_via_api", goOn));
            for (Participant p : goOn) {
                out.addAll(goOn(p));
            }
        }
        return out;
    }

    // ---- REST: POST Calls/{sid}.json, under the API version's account path ------------------------------------------

    /** {@code Twiml=…}: run this document instead of what the call was doing. */
    List<Effect> updateTwiml(String sid, String xml) throws Twiml.TwimlException {
        Call call = get(sid);
        if (call.ended != null) {
            throw new NotInProgress();
        }
        List<Twiml.Verb> verbs = Twiml.parse(xml);
        if (call.isLeg()) {
            return legRuns(call, verbs);
        }
        if (call.placed() && call.answered == null) {
            // Not answered yet: this is what it runs once answered, instead of what it was placed with.
            List<Effect> out = giveUpJoining(call);
            call.answerTwiml = verbs;
            call.answerUrl = null;
            return out;
        }
        List<Effect> out = abandon(call, "participant_updated_via_api", call.status);
        call.generation++;
        call.program.addAll(verbs);
        call.documentUrl = null;
        out.addAll(run(call));
        return out;
    }

    /** {@code Url=…}: fetch the call's next TwiML there. */
    List<Effect> updateUrl(String sid, String url, String method) {
        Call call = get(sid);
        if (call.ended != null) {
            throw new NotInProgress();
        }
        if (call.isLeg()) {
            throw new IllegalArgumentException("The simulator redirects callers' calls only, not agent legs");
        }
        if (call.placed() && call.answered == null) {
            List<Effect> out = giveUpJoining(call);
            call.answerTwiml = null;
            call.answerUrl = url;
            call.answerMethod = method;
            return out;
        }
        List<Effect> out = abandon(call, "participant_updated_via_api", call.status);
        out.add(fetch(call, "redirect", url, method, callParams(call)));
        return out;
    }

    /** {@code Status=completed} hangs the call up; {@code canceled} ends it only while it has not been answered. */
    List<Effect> updateStatus(String sid, String status) {
        Call call = get(sid);
        if (call.ended != null || ("canceled".equals(status) && call.answered != null)) {
            return List.of();
        }
        String ending = "canceled".equals(status) || (call.isLeg() && call.answered == null) ? "canceled" : "completed";
        if (call.placed() && call.answered == null) {
            return unanswered(call, "canceled");
        }
        return call.isLeg() ? legEnds(call, ending) : end(call, ending);
    }

    // ---- answers and timers -------------------------------------------------------------------------------------

    List<Effect> twimlArrived(String sid, int generation, String documentUrl, String body) {
        Call call = calls.get(sid);
        if (call == null || call.ended != null || call.generation != generation) {
            return List.of(); // the call moved on while the application was answering
        }
        List<Twiml.Verb> verbs;
        try {
            verbs = Twiml.parse(body);
        } catch (Twiml.TwimlException e) {
            LOG.log(System.Logger.Level.WARNING, "The TwiML from {0} for {1} is not usable ({2}); the call ends, as "
                    + "on Twilio (error 12100)", documentUrl, sid, e.getMessage());
            return applicationError(call);
        }
        call.program.clear();
        call.program.addAll(verbs);
        call.documentUrl = documentUrl;
        return run(call);
    }

    /**
     * {@code failed} got no 2xx in all its attempts. For a call's first fetch Twilio then asks the number's fallback
     * URL, if it has one (with the same parameters, and what went wrong where); otherwise the call ends.
     */
    List<Effect> twimlUnavailable(String sid, int generation, Webhook failed) {
        Call call = calls.get(sid);
        if (call == null || call.ended != null || call.generation != generation) {
            return List.of();
        }
        String fallbackUrl = call.number == null ? null : call.number.fallbackUrl();
        if ("incoming".equals(failed.kind()) && fallbackUrl != null) {
            LOG.log(System.Logger.Level.WARNING, "{0} gave no TwiML for {1}; Twilio asks the fallback URL {2} "
                    + "(error 11200)", failed.url(), sid, fallbackUrl);
            Map<String, String> params = new LinkedHashMap<>(failed.params());
            params.put("ErrorCode", "11200");
            params.put("ErrorUrl", ConnectionOverrides.withoutFragment(failed.url()));
            return List.of(fetch(call, "fallback", fallbackUrl, "POST", params));
        }
        LOG.log(System.Logger.Level.WARNING, "{0} gave no TwiML for {1}; the call ends, as on Twilio (error 11200)",
                failed.url(), sid);
        return applicationError(call);
    }

    List<Effect> fire(Timer timer) {
        Call call = calls.get(timer.callSid());
        if (call == null) {
            return List.of();
        }
        if (timer instanceof CallPlaced) {
            return "queued".equals(call.status) ? rings(call) : List.of();
        }
        if (timer instanceof RecordingMaxLength t) {
            boolean recording = call.ended == null && call.recording != null
                    && call.recording.sid.equals(t.recordingSid());
            return recording ? stopRecording(call, RecordingEnd.MAX_LENGTH) : List.of();
        }
        if (timer instanceof RecordingProcessed t) {
            Recording recording = recordings.get(t.recordingSid());
            return recording == null ? List.of() : recordingProcessed(recording);
        }
        if (!"ringing".equals(call.status)) {
            return List.of(); // answered, declined, timed out or cancelled already
        }
        if (timer instanceof AgentAnswers) {
            return call.isLeg() ? legAnswered(call) : placedCallAnswered(call);
        }
        String status = timer instanceof AgentDeclines ? "busy" : "no-answer";
        return call.isLeg() ? legEnds(call, status) : unanswered(call, status);
    }

    /** Adds a delivery attempt to the history of the conversation it belongs to. */
    void record(WebhookAttempt attempt) {
        Call call = calls.get(attempt.callSid());
        if (call != null) {
            calls.get(call.conversation).history.add(attempt);
        }
    }

    // ---- the view -----------------------------------------------------------------------------------------------

    boolean exists(String sid) {
        return calls.containsKey(sid);
    }

    CallView view(String sid) {
        Call call = get(sid);
        Call home = calls.get(call.conversation);
        List<WebhookAttempt> history = home == call
                ? List.copyOf(home.history)
                : home.history.stream().filter(a -> a.callSid().equals(sid)).toList();
        Call leg = call.legs.isEmpty() ? null : calls.get(call.legs.get(call.legs.size() - 1));
        Participant p = call.participant != null && call.participant.connected() ? call.participant : null;
        return new CallView(call.sid, call.parentSid, call.from, call.to, call.direction, call.status,
                call.isLeg() ? call.status : call.activity, leg == null ? null : leg.sid,
                leg == null ? null : leg.status, List.copyOf(call.legs), call.created, call.answered, call.ended,
                history, call.bridgedTo, p == null ? null : p.conference.name, p != null && p.hold,
                p == null ? List.of() : talkingWith(p),
                call.lastConference == null ? List.of()
                        : call.lastConference.participants.stream().map(x -> x.callSid).toList(),
                List.copyOf(call.talks), agentCalls(call), call.company);
    }

    /** Its legs and the calls Twilio placed into the conferences it dialled, in the order they were made. */
    private List<String> agentCalls(Call call) {
        List<Call> placed = new ArrayList<>();
        call.legs.forEach(sid -> placed.add(calls.get(sid)));
        for (Conference conf : call.dialledConferences) {
            for (Participant p : conf.participants) {
                if (p.viaRest && !p.callSid.equals(call.sid)) {
                    placed.add(calls.get(p.callSid));
                }
            }
        }
        return placed.stream().distinct().sorted(Comparator.comparingLong(c -> c.order)).map(c -> c.sid).toList();
    }

    List<CallView> views() {
        return calls.keySet().stream().map(this::view).toList();
    }

    Instant updated(String sid) {
        return get(sid).updated;
    }

    /** @throws NoSuchConference for a SID the simulator never gave a conference */
    ConferenceView conference(String conferenceSid) {
        Conference conf = conferences.get(conferenceSid);
        if (conf == null) {
            throw new NoSuchConference(conferenceSid);
        }
        return view(conf);
    }

    /** The active conference of that name, else the latest one that had it; null when none ever did. */
    ConferenceView conferenceNamed(String friendlyName) {
        Conference conf = active(friendlyName);
        if (conf == null) {
            for (Conference c : conferences.values()) {
                if (c.name.equals(friendlyName)) {
                    conf = c;
                }
            }
        }
        return conf == null ? null : view(conf);
    }

    /** Every conference, oldest first. */
    List<ConferenceView> conferences() {
        return conferences.values().stream().map(this::view).toList();
    }

    /** A participant as Twilio's Participants resource shows it: of an active conference, connecting or connected. */
    ParticipantView participant(String conferenceSid, String callSidOrLabel) {
        return view(activeParticipant(conferenceSid, callSidOrLabel));
    }

    /** The latest participant {@code callSid} was. */
    ParticipantView participantOfCall(String callSid) {
        Call call = get(callSid);
        if (call.lastConference == null) {
            throw new NoSuchParticipant("(none)", callSid);
        }
        Participant found = null;
        for (Participant p : call.lastConference.participants) {
            if (p.callSid.equals(callSid)) {
                found = p;
            }
        }
        return view(found);
    }

    // ---- the interpreter ----------------------------------------------------------------------------------------

    /** Runs the call's program until a verb that waits (Enqueue, Dial, a fetch) or the end of the call. */
    private List<Effect> run(Call call) {
        List<Effect> out = new ArrayList<>();
        while (!call.program.isEmpty()) {
            Twiml.Verb verb = call.program.poll();
            if (verb instanceof Twiml.Enqueue enqueue) {
                answer(call);
                call.bridgedTo = null; // on hold again: whoever talked with the caller is no longer with them
                call.company = List.of();
                call.queue = enqueue.queue();
                call.enqueuedAt = now();
                call.activity = "enqueued:" + enqueue.queue();
                if (enqueue.waitUrl() != null) {
                    // Twilio fetches the hold music; its answer is for the caller's ears, not the call's program.
                    out.add(send(call, "wait", resolve(call, enqueue.waitUrl()), enqueue.waitUrlMethod(),
                            waitParams(call), false));
                }
                touch(call);
                return out;
            } else if (verb instanceof Twiml.Dial dial) {
                out.addAll(dial(call, dial));
                touch(call);
                return out;
            } else if (verb instanceof Twiml.Hangup) {
                out.addAll(end(call, "completed"));
                return out;
            } else if (verb instanceof Twiml.Reject) {
                out.addAll(end(call, call.answered == null ? "busy" : "completed"));
                return out;
            } else if (verb instanceof Twiml.Record record) {
                answer(call);
                out.addAll(startRecording(call, record));
                touch(call);
                return out;
            } else if (verb instanceof Twiml.Redirect redirect) {
                answer(call);
                out.add(fetch(call, "redirect", resolve(call, redirect.url()), redirect.method(), callParams(call)));
                touch(call);
                return out;
            } else {
                // Say, Play, Pause and verbs the simulator does not act on take no time here.
                answer(call);
            }
        }
        // A document that runs out of verbs ends the call, as on Twilio.
        out.addAll(end(call, "completed"));
        return out;
    }

    private List<Effect> dial(Call call, Twiml.Dial dial) {
        if (dial.conference() != null) {
            return joinConference(call, dial);
        }
        if (!dial.answerOnBridge()) {
            answer(call);
        }
        call.queue = null;
        call.dial = dial;
        if (dial.targets().isEmpty()) {
            return dialEnded(call, null, "failed");
        }
        Twiml.DialTarget target = dial.targets().get(0);
        Call leg = new Call(legSids.get(), call.sid, dial.callerId() == null ? call.from : dial.callerId(),
                target.to(), "outbound-dial", now());
        leg.conversation = call.conversation;
        leg.callbacks = new StatusCallback(target.statusCallback(), target.statusCallbackMethod(), target.events());
        register(leg);
        call.legs.add(leg.sid);
        call.dialingLeg = leg.sid;
        call.activity = "dialing:" + target.to();

        List<Effect> out = new ArrayList<>();
        leg.status = "initiated";
        out.addAll(progress(leg, "initiated"));
        leg.status = "ringing";
        out.addAll(progress(leg, "ringing"));
        out.addAll(ringDevice(leg, target.device(), dial.timeoutSeconds()));
        return out;
    }

    /** The device reacts as its answer mode says; unanswered, it stops ringing after {@code timeoutSeconds}. */
    private List<Effect> ringDevice(Call call, String device, int timeoutSeconds) {
        List<Effect> out = new ArrayList<>();
        switch (answerMode(device)) {
            case AUTO -> out.add(new Schedule(answerDelay, new AgentAnswers(call.sid)));
            case REJECT -> out.add(new Schedule(answerDelay, new AgentDeclines(call.sid)));
            case IGNORE -> {
                // The device rings until the time runs out.
            }
        }
        out.add(new Schedule(Duration.ofSeconds(timeoutSeconds), new DialTimesOut(call.sid)));
        return out;
    }

    /** A call placed over REST leaves the queue: Twilio reports it initiated, then it rings. */
    private List<Effect> rings(Call call) {
        List<Effect> out = new ArrayList<>();
        Participant p = call.participant;
        call.status = "initiated";
        if (p != null) {
            p.status = "connecting";
        }
        out.addAll(progress(call, "initiated"));
        call.status = "ringing";
        call.activity = "ringing";
        if (p != null) {
            p.status = "ringing";
        }
        touch(call);
        out.addAll(progress(call, "ringing"));
        out.addAll(ringDevice(call, device(call.to), call.timeoutSeconds));
        return out;
    }

    /** A participant's call joins its conference; any other call runs what it was placed with. */
    private List<Effect> placedCallAnswered(Call call) {
        call.status = "in-progress";
        call.answered = now();
        touch(call);
        List<Effect> out = new ArrayList<>(progress(call, "answered"));
        if (call.participant != null) {
            out.addAll(join(call.participant));
            return out;
        }
        if (call.answerTwiml != null) {
            call.program.addAll(call.answerTwiml);
            out.addAll(run(call));
        } else {
            out.add(fetch(call, "outbound", call.answerUrl, call.answerMethod, callParams(call)));
        }
        return out;
    }

    /**
     * A call placed over REST ends before anyone answered it (declined, not answered in time, cancelled); a
     * participant it was to bring into a conference never joins.
     */
    private List<Effect> unanswered(Call call, String status) {
        return unanswered(call, status, "participant_add_failed");
    }

    private List<Effect> unanswered(Call call, String status, String reason) {
        call.status = status;
        call.ended = now();
        call.activity = "ended";
        call.generation++;
        touch(call);
        List<Effect> out = new ArrayList<>(progress(call, "completed"));
        out.addAll(giveUpJoining(call, reason, status));
        return out;
    }

    /** A participant whose call was never answered leaves the conference it never joined. */
    private List<Effect> giveUpJoining(Call call) {
        return giveUpJoining(call, "participant_updated_via_api", call.status);
    }

    private List<Effect> giveUpJoining(Call call, String reason, String callStatus) {
        Participant p = call.participant;
        if (p == null || p.connected()) {
            return List.of();
        }
        List<Effect> out = new ArrayList<>(fails(p, reason, callStatus));
        out.addAll(endIfEmpty(p.conference, p));
        return out;
    }

    // ---- conferences --------------------------------------------------------------------------------------------

    /** {@code <Dial><Conference>}: the call joins the conference of that name, opening it if none is active. */
    private List<Effect> joinConference(Call call, Twiml.Dial dial) {
        Twiml.Conference spec = dial.conference();
        answer(call);
        call.queue = null;
        call.dial = dial;
        call.dialingLeg = null;
        Conference conf = active(spec.name());
        if (conf == null) {
            conf = open(spec.name(), call.conversation, resolve(call, spec.statusCallback()),
                    spec.statusCallbackMethod(), spec.statusCallbackEvents());
        }
        String label = spec.participantLabel();
        if (label != null && conf.participants.stream().anyMatch(p -> p.active() && label.equals(p.label))) {
            LOG.log(System.Logger.Level.WARNING, "Conference {0} already has a participant labelled {1}: {2} does "
                    + "not join it and goes on with its next verb, as on Twilio (error 16025)", conf.name, label,
                    call.sid);
            call.dial = null;
            return run(call);
        }
        Participant p = new Participant(call.sid, label, conf, false, now());
        p.startOnEnter = spec.startConferenceOnEnter();
        p.endOnExit = spec.endConferenceOnExit();
        p.muted = spec.muted();
        p.waitUrl = spec.waitUrl() == null ? null : resolve(call, spec.waitUrl());
        p.waitMethod = spec.waitMethod();
        conf.participants.add(p);
        return join(p);
    }

    private Conference open(String name, String conversation, String statusCallback, String method,
            Set<String> events) {
        Conference conf = new Conference("CF" + UUID.randomUUID().toString().replace("-", ""), name, conversation,
                statusCallback, method == null ? "POST" : method, events, now());
        conferences.put(conf.sid, conf);
        return conf;
    }

    /**
     * The participant is in. A conference starts once two are connected and one of them starts it; Twilio reports
     * the start, then the join of everyone already in. Until then those in hear the wait music, and their joins are
     * reported when it starts (never, if it never does).
     */
    private List<Effect> join(Participant p) {
        Conference conf = p.conference;
        Call call = calls.get(p.callSid);
        p.status = "connected";
        p.joined = now();
        p.updated = p.joined;
        p.joinOrder = ++joins;
        call.participant = p;
        call.lastConference = conf;
        if (!p.viaRest && !call.dialledConferences.contains(conf)) {
            call.dialledConferences.add(conf);
        }
        if ("init".equals(conf.status)) {
            conf.status = "in-progress";
        }
        conf.updated = now();
        List<Effect> out = new ArrayList<>();
        List<Participant> in = connected(conf);
        if (!conf.started && in.size() >= 2 && in.stream().anyMatch(x -> x.startOnEnter)) {
            conf.started = true;
            out.addAll(conferenceEvent(conf, "start", "conference-start", null, Map.of()));
            for (Participant x : in) {
                out.addAll(conferenceEvent(conf, "join", "participant-join", x, Map.of()));
            }
        } else if (conf.started) {
            out.addAll(conferenceEvent(conf, "join", "participant-join", p, Map.of()));
        } else if (p.waitUrl != null) {
            // Twilio fetches the wait music; its answer is for the participant's ears, not the call's program.
            out.add(send(call, "wait", p.waitUrl, p.waitMethod, callParams(call), false));
        }
        talk(conf);
        touch(call);
        return out;
    }

    /**
     * The call leaves its conference: hung up, redirected, or removed ({@code kicked}) over REST. A participant with
     * {@code endConferenceOnExit} ends the conference, and so does the last one. {@code goesOn}: the call continues
     * (Twilio hangs up a participant it called; one that dialled in goes on after its {@code <Dial>}).
     */
    private List<Effect> leaveConference(Call call, String reason, String callStatus, boolean goesOn,
            boolean kicked) {
        Participant p = call.participant;
        if (p == null) {
            return List.of();
        }
        if (!p.connected()) {
            return giveUpJoining(call, reason, callStatus);
        }
        Conference conf = p.conference;
        List<Effect> out = new ArrayList<>(leaves(p, reason, callStatus));
        List<Participant> goOn = new ArrayList<>();
        if (goesOn) {
            goOn.add(p);
        }
        if (p.endOnExit) {
            out.addAll(endConference(conf, kicked ? "participant-with-end-conference-on-exit-kicked"
                    : "participant-with-end-conference-on-exit-left", p, "moderator_ended_conference", goOn));
        } else if (connected(conf).isEmpty() && pending(conf).isEmpty()) {
            out.addAll(endConference(conf, kicked ? "last-participant-kicked" : "last-participant-left", p, null,
                    goOn));
        }
        talk(conf);
        for (Participant x : goOn) {
            out.addAll(goOn(x));
        }
        return out;
    }

    private List<Effect> leaves(Participant p, String reason, String callStatus) {
        Call call = calls.get(p.callSid);
        p.status = "complete";
        p.left = now();
        p.updated = p.left;
        if (call.participant == p) {
            call.participant = null;
        }
        p.conference.updated = now();
        return conferenceEvent(p.conference, "leave", "participant-leave", p,
                Map.of("ReasonParticipantLeft", reason, "ParticipantCallStatus", callStatus));
    }

    /** A participant that never joined: its call was not answered, or it was removed or redirected while ringing. */
    private List<Effect> fails(Participant p, String reason, String callStatus) {
        Call call = calls.get(p.callSid);
        p.status = "failed";
        p.left = now();
        p.updated = p.left;
        if (call.participant == p) {
            call.participant = null;
        }
        return conferenceEvent(p.conference, "leave", "participant-leave", p,
                Map.of("ReasonParticipantLeft", reason, "ParticipantCallStatus", callStatus));
    }

    /** A conference nobody is in nor being called to any more is over. */
    private List<Effect> endIfEmpty(Conference conf, Participant last) {
        if (conf.ended != null || !connected(conf).isEmpty() || !pending(conf).isEmpty()) {
            return List.of();
        }
        return endConference(conf, "last-participant-left", last, null, new ArrayList<>());
    }

    /**
     * Everyone still in leaves ({@code othersLeft}), calls still ringing to join are cancelled, and Twilio reports
     * the end last. Those still in are added to {@code goOn}: their calls go on once every callback is queued.
     */
    private List<Effect> endConference(Conference conf, String reason, Participant ender, String othersLeft,
            List<Participant> goOn) {
        conf.status = "completed";
        conf.ended = now();
        conf.updated = conf.ended;
        conf.reasonEnded = reason;
        conf.callSidEnding = ender == null ? null : ender.callSid;
        List<Effect> out = new ArrayList<>();
        for (Participant other : connected(conf)) {
            out.addAll(leaves(other, othersLeft, calls.get(other.callSid).status));
            goOn.add(other);
        }
        for (Participant ringing : pending(conf)) {
            Call call = calls.get(ringing.callSid);
            call.status = "canceled";
            call.ended = now();
            call.activity = "ended";
            touch(call);
            out.addAll(progress(call, "completed"));
            out.addAll(fails(ringing, othersLeft == null ? "participant_add_failed" : othersLeft, "canceled"));
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ReasonConferenceEnded", reason);
        params.put("Reason", switch (reason) {
            case "conference-ended-via-api" -> "Conference ended via API";
            case "participant-with-end-conference-on-exit-left", "participant-with-end-conference-on-exit-kicked" ->
                    "Participant " + ender.callSid + " with endConferenceOnExit left the conference";
            default -> "Last participant left the conference";
        });
        if (ender != null) {
            params.put("CallSidEndingConference", ender.callSid);
            if (ender.label != null) {
                params.put("ParticipantLabelEndingConference", ender.label);
            }
        }
        out.addAll(conferenceEvent(conf, "end", "conference-end", null, params));
        talk(conf);
        return out;
    }

    /** After leaving: Twilio hangs up a participant it called; a {@code <Dial><Conference>} is over. */
    private List<Effect> goOn(Participant p) {
        Call call = calls.get(p.callSid);
        if (call.ended != null) {
            return List.of();
        }
        if (p.viaRest) {
            return end(call, "completed");
        }
        return dialEnded(call, null, "completed");
    }

    /**
     * Who hears whom: each connected participant's activity, who it talked with last, and the talks of every call
     * that was ever in it (one that just left or was put on hold stops talking with the others).
     */
    private void talk(Conference conf) {
        for (Participant p : conf.participants) {
            settleTalks(calls.get(p.callSid));
        }
        for (Participant p : connected(conf)) {
            Call call = calls.get(p.callSid);
            call.company = !conf.started ? List.of() : connected(conf).stream().filter(o -> o != p)
                    .map(o -> device(calls.get(o.callSid))).toList();
            call.activity = (p.hold ? "conference-hold:" : "conference:") + conf.name;
            List<String> with = talkingWith(p);
            if (p.hold || !conf.started) {
                call.bridgedTo = null; // on hold, or hearing the wait music: nobody to talk with
            } else if (!with.isEmpty()) {
                call.bridgedTo = with.get(with.size() - 1);
            }
        }
    }

    /**
     * Ends the call's talks with whom it no longer talks and begins one with each device it now talks with. Called
     * after every change that can change that, so the talks follow what {@link CallView#talkingWith()} and a
     * bridged leg say from moment to moment.
     */
    private void settleTalks(Call call) {
        List<String> with = talkingNow(call);
        Instant at = now();
        for (int i = 0; i < call.talks.size(); i++) {
            Talk t = call.talks.get(i);
            if (t.until() == null && !with.contains(t.device())) {
                call.talks.set(i, new Talk(t.device(), t.from(), at));
            }
        }
        for (String device : with) {
            if (call.talks.stream().noneMatch(t -> t.until() == null && t.device().equals(device))) {
                call.talks.add(new Talk(device, at, null));
            }
        }
    }

    /** The devices a call hears and is heard by now: in its conference, or over a {@code <Dial>} leg answered. */
    private List<String> talkingNow(Call call) {
        if (call.ended != null) {
            return List.of();
        }
        if (call.participant != null && call.participant.connected()) {
            return talkingWith(call.participant);
        }
        if (call.isLeg()) {
            Call caller = calls.get(call.parentSid);
            return bridged(caller, call) ? List.of(device(caller)) : List.of();
        }
        Call leg = call.dialingLeg == null ? null : calls.get(call.dialingLeg);
        return leg != null && bridged(call, leg) ? List.of(leg.to) : List.of();
    }

    /** Whether the leg is the caller's current {@code <Dial>}, answered, and neither of them hung up. */
    private static boolean bridged(Call caller, Call leg) {
        return leg.sid.equals(caller.dialingLeg) && leg.answered != null && leg.ended == null
                && caller.ended == null;
    }

    /** The devices {@code p} hears and is heard by: both connected to the started conference, unheld, unmuted. */
    private List<String> talkingWith(Participant p) {
        Conference conf = p.conference;
        if (!conf.started || !p.connected() || p.hold || p.muted) {
            return List.of();
        }
        return connected(conf).stream().filter(o -> o != p && !o.hold && !o.muted)
                .map(o -> device(calls.get(o.callSid))).toList();
    }

    /** Connected participants, in the order they joined. */
    private static List<Participant> connected(Conference conf) {
        return conf.participants.stream().filter(Participant::connected)
                .sorted(Comparator.comparingLong(p -> p.joinOrder)).toList();
    }

    /** Participants Twilio is still calling. */
    private static List<Participant> pending(Conference conf) {
        return conf.participants.stream().filter(p -> p.active() && !p.connected()).toList();
    }

    private Conference active(String name) {
        Conference found = null;
        for (Conference c : conferences.values()) {
            if (c.ended == null && c.name.equals(name)) {
                found = c;
            }
        }
        return found;
    }

    private Participant activeParticipant(String conferenceSid, String callSidOrLabel) {
        Conference conf = conferences.get(conferenceSid);
        if (conf == null || conf.ended != null) {
            throw new NoSuchConference(conferenceSid);
        }
        for (Participant p : conf.participants) {
            if (p.active() && (p.callSid.equals(callSidOrLabel) || callSidOrLabel.equals(p.label))) {
                return p;
            }
        }
        throw new NoSuchParticipant(conferenceSid, callSidOrLabel);
    }

    /**
     * A conference status callback, if the conference asked for {@code shortName}'s events: numbered per
     * conference from 1, in the conversation of the call that opened it.
     */
    private List<Effect> conferenceEvent(Conference conf, String shortName, String event, Participant p,
            Map<String, String> extra) {
        if (conf.statusCallback == null || !conf.events.contains(shortName)) {
            return List.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ConferenceSid", conf.sid);
        params.put("FriendlyName", conf.name);
        params.put("AccountSid", accountSid);
        params.put("SequenceNumber", Integer.toString(conf.nextSequence++));
        params.put("Timestamp", TwilioDates.rfc2822(now()));
        params.put("StatusCallbackEvent", event);
        if (p != null) {
            params.put("CallSid", p.callSid);
            params.put("Muted", Boolean.toString(p.muted));
            params.put("Hold", Boolean.toString(p.hold));
            params.put("Coaching", "false");
            params.put("EndConferenceOnExit", Boolean.toString(p.endOnExit));
            params.put("StartConferenceOnEnter", Boolean.toString(p.startOnEnter));
            if (p.label != null) {
                params.put("ParticipantLabel", p.label);
            }
        }
        new TreeMap<>(extra).forEach(params::put);
        String about = p == null ? conf.conversation : p.callSid;
        return List.of(new Send(conf.conversation, new Webhook("conference", about, conf.statusCallbackMethod,
                conf.statusCallback, params), false, 0));
    }

    private ConferenceView view(Conference conf) {
        return new ConferenceView(conf.sid, conf.name, conf.status, conf.started, conf.created, conf.updated,
                conf.ended, conf.reasonEnded, conf.callSidEnding, conf.participants.stream().map(this::view).toList());
    }

    private ParticipantView view(Participant p) {
        return new ParticipantView(p.callSid, p.conference.sid, p.label, device(calls.get(p.callSid)), p.status,
                p.hold, p.muted, p.startOnEnter, p.endOnExit, false, p.created, p.updated);
    }

    private List<Effect> legAnswered(Call leg) {
        Call caller = calls.get(leg.parentSid);
        leg.status = "in-progress";
        leg.answered = now();
        touch(leg);
        List<Effect> out = new ArrayList<>(progress(leg, "answered"));
        answer(caller);
        caller.activity = "bridged:" + leg.to;
        caller.bridgedTo = leg.to;
        touch(caller);
        settleTalks(caller);
        settleTalks(leg);
        return out;
    }

    /** The leg is over (declined, unanswered, or hung up by the agent); the Dial it belongs to is over too. */
    private List<Effect> legEnds(Call leg, String status) {
        boolean talked = leg.answered != null;
        List<Effect> out = new ArrayList<>(finish(leg, status));
        Call caller = calls.get(leg.parentSid);
        if (caller.ended == null && leg.sid.equals(caller.dialingLeg)) {
            out.addAll(dialEnded(caller, leg, talked ? "completed" : status));
        }
        return out;
    }

    /** TwiML given to an agent leg over REST: the simulator only hangs legs up. */
    private List<Effect> legRuns(Call leg, List<Twiml.Verb> verbs) {
        if (!verbs.isEmpty() && (verbs.get(0) instanceof Twiml.Hangup || verbs.get(0) instanceof Twiml.Reject)) {
            return legEnds(leg, leg.answered == null ? "canceled" : "completed");
        }
        throw new IllegalArgumentException("The simulator runs <Hangup/> on agent legs, nothing else");
    }

    private List<Effect> dialEnded(Call call, Call leg, String dialCallStatus) {
        Twiml.Dial dial = call.dial;
        call.dial = null;
        call.dialingLeg = null;
        call.activity = "dial-ended";
        if (dial.action() == null) {
            return run(call); // without an action Twilio goes on with the verbs after <Dial>
        }
        Map<String, String> params = callParams(call);
        params.put("DialCallStatus", dialCallStatus);
        if (dial.conference() == null) {
            // After a conference Twilio sends no dialled call's sid nor duration: there was no dialled call.
            if (leg != null) {
                params.put("DialCallSid", leg.sid);
            }
            params.put("DialCallDuration", Long.toString(leg == null ? 0 : talkSeconds(leg)));
            params.put("DialBridged", Boolean.toString(leg != null && leg.answered != null));
        }
        return List.of(fetch(call, "dial-action", resolve(call, dial.action()), dial.method(), params));
    }

    /**
     * Stops whatever the caller's call is doing, quietly: REST replaced its TwiML, or it ends. A conference it is in
     * hears it leave ({@code reason}, with the call's status then).
     */
    private List<Effect> abandon(Call call, String reason, String callStatus) {
        List<Effect> out = new ArrayList<>();
        if (call.recording != null) {
            out.addAll(stopRecording(call, RecordingEnd.REDIRECTED));
        }
        call.program.clear();
        call.queue = null;
        out.addAll(leaveConference(call, reason, callStatus, false, false));
        call.dial = null;
        if (call.dialingLeg != null) {
            Call leg = calls.get(call.dialingLeg);
            call.dialingLeg = null;
            out.addAll(finish(leg, leg.answered == null ? "canceled" : "completed"));
        }
        return out;
    }

    /**
     * Ends a caller's call (or a call placed over REST): its leg goes with it, it leaves its conference, then its
     * status callback reports the end.
     */
    private List<Effect> end(Call call, String status) {
        Recording recording = call.recording;
        call.recording = null; // stopped below, once the call's status says it is over
        List<Effect> out = abandon(call, "participant_hung_up", status);
        call.generation++; // answers to fetches still under way no longer matter
        call.status = status;
        call.ended = now();
        call.activity = "ended";
        touch(call);
        settleTalks(call);
        if (recording != null) {
            call.recording = recording;
            out.addAll(stopRecording(call, RecordingEnd.HANGUP));
        }
        out.addAll(progress(call, "completed"));
        return out;
    }

    private List<Effect> finish(Call leg, String status) {
        if (leg.ended != null) {
            return List.of();
        }
        leg.status = status;
        leg.ended = now();
        touch(leg);
        settleTalks(leg);
        settleTalks(calls.get(leg.parentSid));
        // Twilio reports every way a leg ends (busy, no-answer, canceled…) under the "completed" event.
        return progress(leg, "completed");
    }

    /** A fetch whose answer cannot be used: Twilio says "an application error has occurred" and hangs up. */
    private List<Effect> applicationError(Call call) {
        return end(call, call.answered == null ? "failed" : "completed");
    }

    private void answer(Call call) {
        if (call.answered == null && call.ended == null) {
            call.answered = now();
            call.status = "in-progress";
            touch(call);
        }
    }

    // ---- recordings ---------------------------------------------------------------------------------------------

    /** How a {@code <Record>} ends: the caller hung up, its {@code maxLength} passed, or REST gave the call new TwiML. */
    private enum RecordingEnd {
        HANGUP, MAX_LENGTH, REDIRECTED
    }

    /**
     * {@code <Record>}: the caller speaks from now on, until they hang up or {@code maxLength} passes (the simulated
     * caller is never silent and presses no key, so {@code timeout} and {@code finishOnKey} never end it).
     */
    private List<Effect> startRecording(Call call, Twiml.Record spec) {
        call.queue = null;
        Recording recording = new Recording("RE" + UUID.randomUUID().toString().replace("-", ""), call.sid,
                call.conversation, now(), "RecordVerb");
        recording.spec = spec;
        // Without an action Twilio requests the document's own URL; TwiML given over REST has none.
        recording.action = spec.action() == null ? call.documentUrl : resolve(call, spec.action());
        recording.statusCallback = resolve(call, spec.recordingStatusCallback());
        recordings.put(recording.sid, recording);
        call.recording = recording;
        call.activity = "recording";
        List<Effect> out = new ArrayList<>(recordingCallback(recording, "in-progress"));
        out.add(new Schedule(Duration.ofSeconds(spec.maxLengthSeconds()),
                new RecordingMaxLength(call.sid, recording.sid)));
        return out;
    }

    /**
     * The recording ends. Twilio then processes it ({@link #RECORDING_PROCESSING}) before its status callback. It
     * requests the {@code action} with the recording at once, except for an empty one (then the call goes on with
     * the next verb), and except when REST replaced the call's TwiML. A caller who hung up is reported with
     * {@code Digits=hangup}, and what the action answers is not run: the call is over.
     */
    private List<Effect> stopRecording(Call call, RecordingEnd how) {
        Recording recording = call.recording;
        call.recording = null;
        Twiml.Record spec = recording.spec;
        long seconds = how == RecordingEnd.MAX_LENGTH ? spec.maxLengthSeconds()
                : Math.min(seconds(recording.started, now()), spec.maxLengthSeconds());
        recording.duration = seconds;
        recording.updated = now();
        boolean empty = seconds < 1;
        if (empty) {
            recording.status = "absent";
            recording.errorCode = RECORDING_TOO_SHORT;
        } else {
            recording.status = "processing";
        }
        List<Effect> out = new ArrayList<>();
        out.add(new Schedule(RECORDING_PROCESSING, new RecordingProcessed(call.sid, recording.sid)));
        if (how == RecordingEnd.REDIRECTED) {
            return out;
        }
        if (empty) {
            if (how != RecordingEnd.HANGUP) {
                out.addAll(run(call));
            }
            return out;
        }
        Map<String, String> params = callParams(call);
        params.put("RecordingUrl", recordingUrl(recording));
        params.put("RecordingDuration", Long.toString(seconds));
        params.put("RecordingSid", recording.sid);
        if (how == RecordingEnd.HANGUP) {
            params.put("Digits", "hangup");
            if (recording.action != null) {
                out.add(send(call, "record-action", recording.action, spec.method(), params, false));
            }
            return out;
        }
        if (recording.action == null) {
            LOG.log(System.Logger.Level.WARNING, "<Record> of {0} has no action and its TwiML came over REST, so it "
                    + "has no URL to request: the call ends", call.sid);
            out.addAll(end(call, "completed"));
            return out;
        }
        out.add(fetch(call, "record-action", recording.action, spec.method(), params));
        return out;
    }

    private List<Effect> recordingProcessed(Recording recording) {
        if (!"processing".equals(recording.status) && !"absent".equals(recording.status)) {
            return List.of();
        }
        if ("processing".equals(recording.status)) {
            recording.status = "completed";
        }
        recording.updated = now();
        return recordingCallback(recording, recording.status);
    }

    /** The {@code recordingStatusCallback}, if it asked for this event ({@code in-progress completed absent}). */
    private List<Effect> recordingCallback(Recording recording, String event) {
        if (recording.spec == null || recording.statusCallback == null
                || !recording.spec.recordingStatusCallbackEvents().contains(event)) {
            return List.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", accountSid);
        params.put("CallSid", recording.callSid);
        params.put("RecordingSid", recording.sid);
        params.put("RecordingUrl", recordingUrl(recording));
        params.put("RecordingStatus", event);
        if (!"in-progress".equals(event)) {
            params.put("RecordingDuration", Long.toString(recording.duration));
        }
        params.put("RecordingChannels", "1");
        params.put("RecordingStartTime", TwilioDates.rfc2822(recording.started));
        params.put("RecordingSource", recording.source);
        params.put("ErrorCode", Integer.toString(recording.errorCode));
        return List.of(new Send(recording.conversation, new Webhook("recording", recording.callSid,
                recording.spec.recordingStatusCallbackMethod(), recording.statusCallback, params), false, 0));
    }

    /** Where Twilio serves the recording's media: WAV without an extension. */
    private String recordingUrl(Recording recording) {
        return baseUrl + "/" + API_VERSION + "/Accounts/" + accountSid + "/Recordings/" + recording.sid;
    }

    /**
     * A recording of {@code seconds} of the call, completed at once, without callbacks: for tests of what fetches
     * recordings, without a {@code <Record>} to run first.
     *
     * @throws NoSuchCall for a call the simulator never made
     */
    RecordingView storeRecording(String callSid, long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("A recording lasts at least a second, not " + seconds);
        }
        Call call = get(callSid);
        Recording recording = new Recording("RE" + UUID.randomUUID().toString().replace("-", ""), call.sid,
                call.conversation, now().minusSeconds(seconds), "RecordVerb");
        recording.duration = seconds;
        recording.status = "completed";
        recording.updated = now();
        recordings.put(recording.sid, recording);
        return view(recording);
    }

    /** @throws NoSuchRecording for a SID no recording had, or one deleted */
    RecordingView recording(String recordingSid) {
        Recording recording = recordings.get(recordingSid);
        if (recording == null) {
            throw new NoSuchRecording(recordingSid);
        }
        return view(recording);
    }

    /** Every recording, oldest first. */
    List<RecordingView> recordings() {
        return recordings.values().stream().map(this::view).toList();
    }

    /** {@code DELETE Recordings/{Sid}.json}; @throws NoSuchRecording when there is none */
    void deleteRecording(String recordingSid) {
        if (recordings.remove(recordingSid) == null) {
            throw new NoSuchRecording(recordingSid);
        }
    }

    private RecordingView view(Recording r) {
        return new RecordingView(r.sid, accountSid, r.callSid, r.status, r.duration, r.errorCode, r.source,
                r.started, r.created, r.updated, recordingUrl(r));
    }

    // ---- webhooks -----------------------------------------------------------------------------------------------

    private Effect fetch(Call call, String kind, String url, String method, Map<String, String> params) {
        call.generation++;
        call.activity = "fetching";
        touch(call);
        return send(call, kind, url, method, params, true);
    }

    private Send send(Call call, String kind, String url, String method, Map<String, String> params,
            boolean fetchesTwiml) {
        return new Send(call.conversation, new Webhook(kind, call.sid, method, url, params), fetchesTwiml,
                call.generation);
    }

    /**
     * A status callback ({@code initiated ringing answered completed}), if the call asked for that event. Every way
     * a call ends is reported under {@code completed}; {@code answered} reports {@code in-progress}.
     */
    private List<Effect> progress(Call call, String event) {
        StatusCallback callback = call.callbacks;
        if (callback == null || callback.url() == null || !callback.events().contains(event)) {
            return List.of();
        }
        Map<String, String> params = callParams(call);
        if (call.isLeg()) {
            params.put("ParentCallSid", call.parentSid);
        }
        if (FINAL.contains(call.status)) {
            long duration = "inbound".equals(call.direction) ? seconds(call.created, call.ended) : talkSeconds(call);
            params.put("CallDuration", Long.toString(duration));
        }
        progressParams(call, params);
        return List.of(send(call, "status", callback.url(), callback.method(), params, false));
    }

    /** What every status callback carries besides the call's own parameters. */
    private void progressParams(Call call, Map<String, String> params) {
        params.put("Timestamp", TwilioDates.rfc2822(now()));
        params.put("SequenceNumber", Integer.toString(call.nextSequence++));
        params.put("CallbackSource", "call-progress-events");
    }

    /** The parameters Twilio sends about a call in every request. */
    private Map<String, String> callParams(Call call) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", accountSid);
        params.put("ApiVersion", API_VERSION);
        params.put("CallSid", call.sid);
        params.put("CallStatus", call.status);
        params.put("Direction", call.direction);
        params.put("From", call.from);
        params.put("To", call.to);
        params.put("Caller", call.from);
        params.put("Called", call.to);
        params.put("FromCountry", country(call.from));
        params.put("ToCountry", country(call.to));
        params.put("CallerCountry", country(call.from));
        params.put("CalledCountry", country(call.to));
        return params;
    }

    private Map<String, String> waitParams(Call call) {
        Map<String, String> params = callParams(call);
        long ahead = calls.values().stream()
                .filter(c -> c.ended == null && call.queue.equals(c.queue) && c.enqueuedAt.isBefore(call.enqueuedAt))
                .count();
        long size = calls.values().stream().filter(c -> c.ended == null && call.queue.equals(c.queue)).count();
        params.put("QueueSid", queueSid(call.queue));
        params.put("QueuePosition", Long.toString(ahead + 1));
        params.put("QueueTime", "0");
        params.put("AvgQueueTime", "0");
        params.put("CurrentQueueSize", Long.toString(size));
        params.put("MaxQueueSize", "100");
        return params;
    }

    private static String queueSid(String queue) {
        return "QU" + UUID.nameUUIDFromBytes(queue.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().replace("-", "");
    }

    /** Relative URLs in TwiML are relative to the document's own URL, as on Twilio. */
    private static String resolve(Call call, String url) {
        if (url == null || call.documentUrl == null || URI.create(url).isAbsolute()) {
            return url;
        }
        return URI.create(call.documentUrl).resolve(url).toString();
    }

    private static String country(String number) {
        return number != null && number.startsWith("+1") ? "US" : "";
    }

    /** Whom a call reaches: a {@code client:} identity or a phone number. */
    private static void requireTo(String to) {
        if (to == null || !(E164.matcher(to).matches() || to.startsWith("client:") && to.length() > 7
                && to.chars().noneMatch(Character::isWhitespace))) {
            throw new InvalidTo(to);
        }
    }

    /** The device on the far end of a call: the number that called in, or the client or number Twilio called. */
    private static String device(Call call) {
        return "inbound".equals(call.direction) ? call.from : call.to;
    }

    /** The device that rings for {@code to}: a client's identity or the number. */
    private static String device(String to) {
        return to.startsWith("client:") ? to.substring("client:".length()) : to;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    // ---- the model ----------------------------------------------------------------------------------------------

    private Call get(String sid) {
        Call call = calls.get(sid);
        if (call == null) {
            throw new NoSuchCall(sid);
        }
        return call;
    }

    private void register(Call call) {
        call.order = ++made;
        calls.put(call.sid, call);
    }

    private void touch(Call call) {
        call.updated = now();
    }

    private long talkSeconds(Call leg) {
        return leg.answered == null ? 0 : seconds(leg.answered, leg.ended == null ? now() : leg.ended);
    }

    private static long seconds(Instant from, Instant to) {
        return Duration.between(from, to).toSeconds();
    }

    private Instant now() {
        return clock.instant();
    }

    /** A caller's call (parentSid null), an agent leg, or a call placed over REST (parentSid null). */
    private static final class Call {
        final String sid;
        final String parentSid;
        final String from;
        final String to;
        final String direction;
        final Instant created;
        /** The call whose history this call's webhooks join, and whose line they leave in. */
        String conversation;
        String status = "queued";
        Instant answered;
        Instant ended;
        Instant updated;
        int nextSequence;
        StatusCallback callbacks = StatusCallback.NONE;
        // the first call of a conversation
        final List<WebhookAttempt> history = new ArrayList<>();
        final Deque<Twiml.Verb> program = new ArrayDeque<>();
        final List<String> legs = new ArrayList<>();
        TwilioSimulator.Number number;
        int generation;
        String documentUrl;
        String activity = "ringing";
        String queue;
        Instant enqueuedAt;
        Twiml.Dial dial;
        String dialingLeg;
        String bridgedTo;
        // a call placed over REST: how long it rings, and what it runs once answered
        int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
        List<Twiml.Verb> answerTwiml;
        String answerUrl;
        String answerMethod = "POST";
        // conferences: the participant it is (being called to be, or connected), and the last conference it was in
        Participant participant;
        Conference lastConference;
        /** The conferences its own {@code <Dial><Conference>} joined, in the order it joined them. */
        final List<Conference> dialledConferences = new ArrayList<>();
        final List<Talk> talks = new ArrayList<>();
        /** Who the call is with in its started conference, on hold or not; kept once it left, until it waits again. */
        List<String> company = List.of();
        long order;
        /** The {@code <Record>} under way, else null. */
        Recording recording;

        Call(String sid, String parentSid, String from, String to, String direction, Instant created) {
            this.sid = sid;
            this.parentSid = parentSid;
            this.from = from;
            this.to = to;
            this.direction = direction;
            this.created = created;
            this.updated = created;
            this.conversation = sid;
        }

        boolean isLeg() {
            return parentSid != null;
        }

        /** Placed over REST ({@code Calls.json}, {@code Participants.json}). */
        boolean placed() {
            return "outbound-api".equals(direction);
        }
    }

    /** A recording of a call: made by its {@code <Record>}, or stored by a test. */
    private static final class Recording {
        final String sid;
        final String callSid;
        final String conversation;
        final Instant started;
        final Instant created;
        final String source;
        /** The {@code <Record>} that made it and the URLs it resolved to; null for a stored one. */
        Twiml.Record spec;
        String action;
        String statusCallback;
        String status = "in-progress";
        long duration;
        int errorCode;
        Instant updated;

        Recording(String sid, String callSid, String conversation, Instant started, String source) {
            this.sid = sid;
            this.callSid = callSid;
            this.conversation = conversation;
            this.started = started;
            this.created = started;
            this.updated = started;
            this.source = source;
        }
    }

    /** A conference, from its first participant to its end; a name's next conference is another one. */
    private static final class Conference {
        final String sid;
        final String name;
        final String conversation;
        final Instant created;
        // set by the participant that opened it; later participants' settings are ignored, as on Twilio
        final String statusCallback;
        final String statusCallbackMethod;
        final Set<String> events;
        final List<Participant> participants = new ArrayList<>();
        String status = "init";
        boolean started;
        Instant updated;
        Instant ended;
        String reasonEnded;
        String callSidEnding;
        int nextSequence = 1;

        Conference(String sid, String name, String conversation, String statusCallback, String statusCallbackMethod,
                Set<String> events, Instant created) {
            this.sid = sid;
            this.name = name;
            this.conversation = conversation;
            this.statusCallback = statusCallback;
            this.statusCallbackMethod = statusCallbackMethod;
            this.events = Set.copyOf(events);
            this.created = created;
            this.updated = created;
        }
    }

    /** A call's place in a conference: joined by TwiML, or added over REST ({@code viaRest}). */
    private static final class Participant {
        final String callSid;
        final String label;
        final Conference conference;
        final boolean viaRest;
        final Instant created;
        boolean startOnEnter = true;
        boolean endOnExit;
        boolean muted;
        boolean hold;
        String waitUrl;
        String waitMethod = "POST";
        String status = "connecting";
        Instant updated;
        Instant joined;
        Instant left;
        long joinOrder;

        Participant(String callSid, String label, Conference conference, boolean viaRest, Instant created) {
            this.callSid = callSid;
            this.label = label;
            this.conference = conference;
            this.viaRest = viaRest;
            this.created = created;
            this.updated = created;
        }

        boolean connected() {
            return "connected".equals(status);
        }

        boolean active() {
            return !"complete".equals(status) && !"failed".equals(status);
        }
    }
}
