package io.switchboard.stack.twilio;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Twilio's side of the calls, without I/O: the calls, their legs, and what their TwiML makes them do. Each
 * method returns the {@link Effect}s the shell ({@link TwilioSimulator}) carries out, in order: webhooks to send
 * and timers to set. The answer to a TwiML fetch comes back through {@link #twimlArrived}, or its lack through
 * {@link #twimlUnavailable}.
 *
 * <p>Not thread-safe: the shell calls it under one lock, and queues the effects before it lets go of the lock, so
 * webhooks leave in the order they were decided.
 */
final class Exchange {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());
    static final String API_VERSION = "2010-04-01";
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

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

    sealed interface Timer permits AgentAnswers, AgentDeclines, DialTimesOut {
        String legSid();
    }

    record AgentAnswers(String legSid) implements Timer {
    }

    record AgentDeclines(String legSid) implements Timer {
    }

    record DialTimesOut(String legSid) implements Timer {
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

    private final String accountSid;
    private final Map<String, TwilioSimulator.Number> numbers;
    private final Duration answerDelay;
    private final Clock clock;
    private final Supplier<String> legSids;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, AnswerMode> devices = new HashMap<>();

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
        calls.put(sid, call);
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
        return end(call, "completed");
    }

    void answerMode(String device, AnswerMode mode) {
        devices.put(device, mode);
    }

    AnswerMode answerMode(String device) {
        return devices.getOrDefault(device, AnswerMode.AUTO);
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
        List<Effect> out = abandon(call);
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
        List<Effect> out = abandon(call);
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
        Call leg = calls.get(timer.legSid());
        if (leg == null || !"ringing".equals(leg.status)) {
            return List.of(); // answered, declined, timed out or cancelled already
        }
        if (timer instanceof AgentAnswers) {
            return legAnswered(leg);
        }
        return legEnds(leg, timer instanceof AgentDeclines ? "busy" : "no-answer");
    }

    /** Adds a delivery attempt to the history of the conversation it belongs to. */
    void record(WebhookAttempt attempt) {
        Call call = calls.get(attempt.callSid());
        if (call != null) {
            root(call).history.add(attempt);
        }
    }

    // ---- the view -----------------------------------------------------------------------------------------------

    boolean exists(String sid) {
        return calls.containsKey(sid);
    }

    CallView view(String sid) {
        Call call = get(sid);
        Call root = root(call);
        List<WebhookAttempt> history = call.isLeg()
                ? root.history.stream().filter(a -> a.callSid().equals(sid)).toList()
                : List.copyOf(root.history);
        Call leg = call.legs.isEmpty() ? null : calls.get(call.legs.get(call.legs.size() - 1));
        return new CallView(call.sid, call.parentSid, call.from, call.to, call.direction, call.status,
                call.isLeg() ? call.status : call.activity, leg == null ? null : leg.sid,
                leg == null ? null : leg.status, List.copyOf(call.legs), call.created, call.answered, call.ended,
                history, call.bridgedTo);
    }

    List<CallView> views() {
        return calls.keySet().stream().map(this::view).toList();
    }

    Instant updated(String sid) {
        return get(sid).updated;
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
        leg.target = target;
        calls.put(leg.sid, leg);
        call.legs.add(leg.sid);
        call.dialingLeg = leg.sid;
        call.activity = "dialing:" + target.to();

        List<Effect> out = new ArrayList<>();
        leg.status = "initiated";
        out.addAll(legCallback(leg, "initiated"));
        leg.status = "ringing";
        out.addAll(legCallback(leg, "ringing"));
        switch (answerMode(target.device())) {
            case AUTO -> out.add(new Schedule(answerDelay, new AgentAnswers(leg.sid)));
            case REJECT -> out.add(new Schedule(answerDelay, new AgentDeclines(leg.sid)));
            case IGNORE -> {
                // The device rings until the Dial times out.
            }
        }
        out.add(new Schedule(Duration.ofSeconds(dial.timeoutSeconds()), new DialTimesOut(leg.sid)));
        return out;
    }

    private List<Effect> legAnswered(Call leg) {
        Call caller = calls.get(leg.parentSid);
        leg.status = "in-progress";
        leg.answered = now();
        touch(leg);
        List<Effect> out = new ArrayList<>(legCallback(leg, "answered"));
        answer(caller);
        caller.activity = "bridged:" + leg.to;
        caller.bridgedTo = leg.to;
        touch(caller);
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
        if (leg != null) {
            params.put("DialCallSid", leg.sid);
        }
        params.put("DialCallDuration", Long.toString(leg == null ? 0 : talkSeconds(leg)));
        params.put("DialBridged", Boolean.toString(leg != null && leg.answered != null));
        return List.of(fetch(call, "dial-action", resolve(call, dial.action()), dial.method(), params));
    }

    /** Stops whatever the caller's call is doing, quietly: REST replaced its TwiML. */
    private List<Effect> abandon(Call call) {
        List<Effect> out = new ArrayList<>();
        call.program.clear();
        call.queue = null;
        call.dial = null;
        if (call.dialingLeg != null) {
            Call leg = calls.get(call.dialingLeg);
            call.dialingLeg = null;
            out.addAll(finish(leg, leg.answered == null ? "canceled" : "completed"));
        }
        return out;
    }

    /** Ends a caller's call: its leg goes with it, then the number's status callback reports the end. */
    private List<Effect> end(Call call, String status) {
        List<Effect> out = abandon(call);
        call.generation++; // answers to fetches still under way no longer matter
        call.status = status;
        call.ended = now();
        call.activity = "ended";
        touch(call);
        String statusCallback = call.number.statusCallbackUrl();
        if (statusCallback != null) {
            Map<String, String> params = callParams(call);
            params.put("CallDuration", Long.toString(seconds(call.created, call.ended)));
            progressParams(call, params);
            out.add(send(call, "status", statusCallback, "POST", params, false));
        }
        return out;
    }

    private List<Effect> finish(Call leg, String status) {
        if (leg.ended != null) {
            return List.of();
        }
        leg.status = status;
        leg.ended = now();
        touch(leg);
        // Twilio reports every way a leg ends (busy, no-answer, canceled…) under the "completed" event.
        return legCallback(leg, "completed");
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

    // ---- webhooks -----------------------------------------------------------------------------------------------

    private Effect fetch(Call call, String kind, String url, String method, Map<String, String> params) {
        call.generation++;
        call.activity = "fetching";
        touch(call);
        return send(call, kind, url, method, params, true);
    }

    private Send send(Call call, String kind, String url, String method, Map<String, String> params,
            boolean fetchesTwiml) {
        return new Send(root(call).sid, new Webhook(kind, call.sid, method, url, params), fetchesTwiml,
                call.generation);
    }

    private List<Effect> legCallback(Call leg, String event) {
        Twiml.DialTarget target = leg.target;
        if (target.statusCallback() == null || !target.events().contains(event)) {
            return List.of();
        }
        Map<String, String> params = callParams(leg);
        params.put("ParentCallSid", leg.parentSid);
        if (FINAL.contains(leg.status)) {
            params.put("CallDuration", Long.toString(talkSeconds(leg)));
        }
        progressParams(leg, params);
        return List.of(send(leg, "status", target.statusCallback(), target.statusCallbackMethod(), params, false));
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
        if (call.documentUrl == null || URI.create(url).isAbsolute()) {
            return url;
        }
        return URI.create(call.documentUrl).resolve(url).toString();
    }

    private static String country(String number) {
        return number != null && number.startsWith("+1") ? "US" : "";
    }

    // ---- the model ----------------------------------------------------------------------------------------------

    private Call get(String sid) {
        Call call = calls.get(sid);
        if (call == null) {
            throw new NoSuchCall(sid);
        }
        return call;
    }

    private Call root(Call call) {
        return call.isLeg() ? calls.get(call.parentSid) : call;
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

    /** A caller's call (parentSid null) or an agent leg. */
    private static final class Call {
        final String sid;
        final String parentSid;
        final String from;
        final String to;
        final String direction;
        final Instant created;
        String status = "queued";
        Instant answered;
        Instant ended;
        Instant updated;
        int nextSequence;
        // a caller's call
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
        // an agent leg
        Twiml.DialTarget target;
        String bridgedTo;

        Call(String sid, String parentSid, String from, String to, String direction, Instant created) {
            this.sid = sid;
            this.parentSid = parentSid;
            this.from = from;
            this.to = to;
            this.direction = direction;
            this.created = created;
            this.updated = created;
        }

        boolean isLeg() {
            return parentSid != null;
        }
    }
}
