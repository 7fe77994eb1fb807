package io.switchboard.benchmark;

import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.stack.twilio.Webhook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Realistic calls at a fixed rate, through the Twilio simulator and the agents' sockets, and what they take.
 *
 * <p>A call: the simulator sends the signed incoming webhook (the clock starts as it leaves, see
 * {@link TwilioSimulator.WebhookObserver}); every connected agent of the tenant gets the RINGING {@code call} frame
 * (one sample per agent and call); one free agent, picked before the call was placed, claims it when it rings on
 * their screen ({@code claim} → {@code ack} is the claim round trip); the simulator's device answers the leg
 * (CONNECTED: {@code claim} → that {@code call} frame on the claimer's screen and on every screen, see {@link Connect});
 * after a talk time the caller hangs up, or the agent does, or — every n-th call — the agent parks it and
 * another free agent retrieves it, and then the caller hangs up. Agents go back to the pool once the call ENDED.
 */
final class CallLoad implements TwilioSimulator.WebhookObserver, Fleet.Frames {
    static final Duration CLAIM_DELAY = Duration.ofMillis(100);
    static final Duration TALK = Duration.ofMillis(1000);
    static final Duration RETRIEVE_DELAY = Duration.ofMillis(500);
    /** How often an agent clicks retrieve on a park Twilio has not confirmed before giving up. */
    static final int MAX_RETRIEVES = 10;
    static final Duration FREE_DELAY = Duration.ofMillis(300);
    /** Whatever happened, a call is hung up after this and its agents are free after twice this. */
    static final Duration CALL_LIMIT = Duration.ofSeconds(15);

    static final class Tenant {
        final String id;
        final String number;
        final List<Agent> agents = new ArrayList<>();
        final ConcurrentLinkedQueue<Agent> free = new ConcurrentLinkedQueue<>();

        Tenant(String id, String number) {
            this.id = id;
            this.number = number;
        }

        /** Agents whose snapshot arrived: the screens a new change must reach (Vert.x's isClosed() locks; not here). */
        final AtomicInteger ready = new AtomicInteger();
        /** What the phase that runs now does with this tenant's frames ({@link Screens}); null: nothing. */
        volatile Fleet.Frames watcher;

        int ready() {
            return ready.get();
        }
    }

    static final class Agent {
        final Tenant tenant;
        final String id;
        final Fleet.Socket socket = new Fleet.Socket(this);
        final AtomicBoolean busy = new AtomicBoolean();
        volatile boolean snapshot;

        Agent(Tenant tenant, String id) {
            this.tenant = tenant;
            this.id = id;
        }
    }

    static final class Track {
        final int index;
        final Tenant tenant;
        final Agent claimer;
        final boolean measured;
        final boolean park;
        final boolean agentHangsUp;
        volatile String sid;
        volatile long sentAt;
        volatile int expected;
        volatile Agent retriever;
        final AtomicInteger retrieves = new AtomicInteger();
        final AtomicLong ringSeq = new AtomicLong(-1);
        /** The highest {@code seq} of this call's frames on any screen so far. */
        final AtomicLong lastSeq = new AtomicLong(-1);
        /** The last claim or retrieve of this call, waiting for its CONNECTED; null before the first. */
        volatile Connect connect;
        final AtomicInteger received = new AtomicInteger();
        final AtomicBoolean claimSent = new AtomicBoolean();
        final AtomicBoolean ended = new AtomicBoolean();

        Track(int index, Tenant tenant, Agent claimer, boolean measured, boolean park, boolean agentHangsUp) {
            this.index = index;
            this.tenant = tenant;
            this.claimer = claimer;
            this.measured = measured;
            this.park = park;
            this.agentHangsUp = agentHangsUp;
        }
    }

    record Pending(String kind, long sentAt, Track track, Agent agent, Connect connect) {
    }

    /**
     * One claim or retrieve, from its frame written to the socket to the CONNECTED {@code call} frame it leads to: on
     * the screen of the agent who sent it, and on every screen of the tenant. That frame is the first CONNECTED of the
     * call with a {@code seq} above every frame of the call any screen had when the command left, so a CONNECTED of
     * an earlier claim (before a park) arriving late on a slow screen is not taken for it; every screen gets the same
     * change with the same {@code seq}.
     */
    static final class Connect {
        final Agent agent;
        final long sentAt;
        final long afterSeq;
        /** Agents whose snapshot had arrived when the command left: the screens the CONNECTED must reach. */
        final int expected;
        final boolean measured;
        final AtomicLong seq = new AtomicLong(-1);
        final AtomicBoolean onClaimersScreen = new AtomicBoolean();
        final AtomicInteger screens = new AtomicInteger();
        /** Refused (an {@code error} reply): no CONNECTED is owed, and the refusal is counted as such. */
        volatile boolean refused;

        Connect(Agent agent, long sentAt, long afterSeq, int expected, boolean measured) {
            this.agent = agent;
            this.sentAt = sentAt;
            this.afterSeq = afterSeq;
            this.expected = expected;
            this.measured = measured;
        }

        boolean everyScreen() {
            return screens.get() >= expected;
        }
    }

    final List<Tenant> tenants;
    private final TwilioSimulator simulator;
    private final Fleet fleet;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "call-load");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Track> byFrom = new ConcurrentHashMap<>();
    private final Map<String, Track> bySid = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Webhook, Long> webhooksInFlight = Collections.synchronizedMap(new IdentityHashMap<>());
    private final List<Track> tracks = Collections.synchronizedList(new ArrayList<>());
    /** Every claim and retrieve sent, those a later one replaced included: a CONNECTED that never came is counted. */
    private final List<Connect> connects = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile boolean measuring;

    final Latency endToEnd = new Latency();
    final Latency endToEndLastAgent = new Latency();
    final Latency claimRoundTrip = new Latency();
    final Latency claimToConnected = new Latency();
    final Latency claimToConnectedEveryScreen = new Latency();
    final Latency commandRoundTrip = new Latency();
    final Latency webhookResponse = new Latency();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder framesInWindow = new LongAdder();
    final LongAdder bytesInWindow = new LongAdder();
    final LongAdder ringFrames = new LongAdder();
    final LongAdder ringFrameChars = new LongAdder();
    final LongAdder webhooksInWindow = new LongAdder();
    final LongAdder claimsAcked = new LongAdder();

    CallLoad(List<Tenant> tenants, TwilioSimulator simulator, Fleet fleet) {
        this.tenants = tenants;
        this.simulator = simulator;
        this.fleet = fleet;
    }

    /** {@code agents} spread evenly over {@code count} tenants. */
    static List<Tenant> tenants(int count, int agents) {
        List<Tenant> tenants = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            tenants.add(tenant(t + 1, agents / count + (t < agents % count ? 1 : 0)));
        }
        return tenants;
    }

    /** Tenant {@code bench<n>} with its own number and agents {@code a1}…{@code a<agents>}. */
    static Tenant tenant(int n, int agents) {
        // Not +1500555xxxx: the local stack's seed gives +15005550006 to acme, so bench6 rang nobody.
        Tenant tenant = new Tenant("bench" + n, String.format("+1500777%04d", n));
        for (int a = 1; a <= agents; a++) {
            tenant.agents.add(new Agent(tenant, "a" + a));
        }
        return tenant;
    }

    List<Agent> agents() {
        List<Agent> all = new ArrayList<>();
        tenants.forEach(t -> all.addAll(t.agents));
        return all;
    }

    void error(String what) {
        errors.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    // ---- running --------------------------------------------------------------------------------------------------

    /**
     * Places {@code rate × (warmup + duration)} calls at a fixed rate, measures those placed after the warm-up, then
     * waits (bounded) for the calls to end. Returns the figures of the measured window. Its tenants' frames must come
     * to {@link #onText} meanwhile ({@link Screens#watch}).
     */
    Map<String, Object> run(double rate, Duration warmup, Duration duration, int parkEvery) throws InterruptedException {
        for (Tenant tenant : tenants) {
            // A run before this one on the same agents left its calls ended and its agents free.
            tenant.free.clear();
            for (Agent agent : tenant.agents) {
                agent.busy.set(false);
                if (agent.snapshot) {
                    tenant.free.add(agent);
                }
            }
        }
        simulator.observeWebhooks(this);
        long periodNanos = Math.round(1e9 / rate);
        int warmupCalls = (int) Math.round(rate * warmup.toMillis() / 1000.0);
        int totalCalls = warmupCalls + (int) Math.round(rate * duration.toMillis() / 1000.0);
        AtomicInteger placed = new AtomicInteger();
        long[] window = new long[2];
        ScheduledFuture<?> pacer = timers.scheduleAtFixedRate(() -> {
            int i = placed.getAndIncrement();
            if (i >= totalCalls) {
                return;
            }
            if (i == warmupCalls) {
                window[0] = System.nanoTime();
                measuring = true;
            }
            try {
                place(i, i >= warmupCalls, parkEvery > 0 && i % parkEvery == parkEvery - 1, i % 3 == 1);
            } catch (RuntimeException e) {
                error("place call: " + e.getClass().getSimpleName());
            }
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        long limit = System.nanoTime() + warmup.plus(duration).plusSeconds(30).toNanos();
        while (placed.get() < totalCalls && System.nanoTime() < limit) {
            Thread.sleep(50);
        }
        pacer.cancel(false);
        window[1] = System.nanoTime();
        measuring = false;
        // The last calls: rings delivered, calls over (each call hangs up within CALL_LIMIT whatever happens).
        long drain = System.nanoTime() + CALL_LIMIT.plusSeconds(10).toNanos();
        while (System.nanoTime() < drain && !allDone()) {
            Thread.sleep(100);
        }
        simulator.observeWebhooks(null);
        return figures(totalCalls - warmupCalls, (window[1] - window[0]) / 1e9);
    }

    private boolean allDone() {
        synchronized (tracks) {
            for (Track t : tracks) {
                if (!t.ended.get() || t.received.get() < t.expected) {
                    return false;
                }
                // A CONNECTED on its way to the slower screens; one that never came at all is not waited for.
                Connect c = t.connect;
                if (c != null && !c.refused && c.seq.get() >= 0 && !c.everyScreen()) {
                    return false;
                }
            }
        }
        return true;
    }

    private Map<String, Object> figures(int measuredCalls, double seconds) {
        int ended = 0;
        long missing = 0;
        long samplesExpected = 0;
        int unringing = 0;
        synchronized (tracks) {
            for (Track t : tracks) {
                if (!t.measured) {
                    continue;
                }
                if (t.ended.get()) {
                    ended++;
                }
                if (t.ringSeq.get() < 0) {
                    unringing++;
                }
                samplesExpected += t.expected;
                missing += Math.max(0, t.expected - t.received.get());
            }
        }
        if (missing > 0) {
            errors.computeIfAbsent("ring frames never received", k -> new LongAdder()).add(missing);
        }
        if (unringing > 0) {
            errors.computeIfAbsent("calls that never rang", k -> new LongAdder()).add(unringing);
        }
        if (ended < measuredCalls) {
            errors.computeIfAbsent("calls not ENDED within the drain", k -> new LongAdder()).add(measuredCalls - ended);
        }
        long neverConnected = 0;
        long neverConnectedEveryScreen = 0;
        synchronized (connects) {
            for (Connect c : connects) {
                if (!c.measured || c.refused) {
                    continue;
                }
                if (!c.onClaimersScreen.get()) {
                    neverConnected++;
                }
                if (!c.everyScreen()) {
                    neverConnectedEveryScreen++;
                }
            }
        }
        if (neverConnected > 0) {
            errors.computeIfAbsent("claims whose CONNECTED never reached the claimer", k -> new LongAdder())
                    .add(neverConnected);
        }
        if (neverConnectedEveryScreen > 0) {
            errors.computeIfAbsent("claims whose CONNECTED never reached every screen", k -> new LongAdder())
                    .add(neverConnectedEveryScreen);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("measured_seconds", Math.round(seconds * 10) / 10.0);
        f.put("calls_measured", measuredCalls);
        f.put("calls_per_second", Math.round(measuredCalls / seconds * 10) / 10.0);
        f.put("calls_ended", ended);
        f.put("ring_samples_expected", samplesExpected);
        f.put("claims_acked", claimsAcked.sum());
        f.put("claims_never_connected", neverConnected);
        f.put("claims_never_connected_every_screen", neverConnectedEveryScreen);
        f.put("webhooks_per_second", Math.round(webhooksInWindow.sum() / seconds * 10) / 10.0);
        f.put("frames_received_per_second", Math.round(framesInWindow.sum() / seconds));
        f.put("mbytes_received_per_second", Math.round(bytesInWindow.sum() / seconds / 1e4) / 100.0);
        f.put("changes_per_second_per_tenant",
                Math.round(framesInWindow.sum() / seconds / Math.max(1, agents().size()) * 10) / 10.0);
        f.put("ring_frame_bytes", ringFrames.sum() == 0 ? 0 : ringFrameChars.sum() / ringFrames.sum());
        f.put("end_to_end_every_agent", endToEnd.summary());
        f.put("end_to_end_last_agent_of_call", endToEndLastAgent.summary());
        f.put("claim_round_trip", claimRoundTrip.summary());
        f.put("claim_to_connected", claimToConnected.summary());
        f.put("claim_to_connected_every_screen", claimToConnectedEveryScreen.summary());
        f.put("other_commands_round_trip", commandRoundTrip.summary());
        f.put("webhook_response", webhookResponse.summary());
        Map<String, Long> e = new LinkedHashMap<>();
        errors.forEach((k, v) -> e.put(k, v.sum()));
        f.put("errors", e);
        f.put("sockets_closed_unexpectedly", fleet.closedUnexpectedly.get());
        return f;
    }

    // ---- one call -------------------------------------------------------------------------------------------------

    private void place(int index, boolean measured, boolean park, boolean agentHangsUp) {
        Tenant tenant = tenants.get(index % tenants.size());
        Agent claimer = take(tenant);
        if (claimer == null && measured) {
            error("no free agent to claim");
        }
        Track track = new Track(index, tenant, claimer, measured, park, agentHangsUp);
        String from = String.format("+1555%07d", index);
        byFrom.put(from, track);
        tracks.add(track);
        String sid = simulator.placeCall(from, tenant.number);
        // Whatever goes wrong, the call ends and its agents come back.
        timers.schedule(() -> simulator.hangup(sid), CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        timers.schedule(() -> freeAll(track), CALL_LIMIT.toMillis() * 2, TimeUnit.MILLISECONDS);
        if (claimer == null) {
            later(Duration.ofSeconds(2), () -> simulator.hangup(sid));
        }
    }

    private static Agent take(Tenant tenant) {
        Agent agent;
        while ((agent = tenant.free.poll()) != null) {
            if (agent.socket.open() && agent.busy.compareAndSet(false, true)) {
                return agent;
            }
        }
        return null;
    }

    private void free(Agent agent) {
        if (agent != null && agent.busy.compareAndSet(true, false)) {
            agent.tenant.free.add(agent);
        }
    }

    private void freeAll(Track track) {
        free(track.claimer);
        free(track.retriever);
    }

    private void later(Duration after, Runnable action) {
        if (timers.isShutdown()) {
            return; // the run is over; frames still arriving change nothing
        }
        try {
            timers.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    error("driver: " + e.getClass().getSimpleName());
                }
            }, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down meanwhile
        }
    }

    private void command(Agent agent, String type, Track track) {
        String requestId = type.charAt(0) + Integer.toString(requestIds.incrementAndGet());
        long now = System.nanoTime();
        Connect connect = null;
        if (type.equals("claim") || type.equals("retrieve")) {
            // One clock with the claim round trip: the same moment, just before the frame is written.
            connect = new Connect(agent, now, track.lastSeq.get(), track.tenant.ready(), track.measured);
            connects.add(connect);
            track.connect = connect;
        }
        pending.put(requestId, new Pending(type, now, track, agent, connect));
        agent.socket.send("{\"type\":\"" + type + "\",\"callSid\":\"" + track.sid + "\",\"requestId\":\"" + requestId
                + "\"}");
    }

    // ---- the simulator's webhooks -----------------------------------------------------------------------------------

    @Override
    public void sending(Webhook webhook, int attempt) {
        long now = System.nanoTime();
        webhooksInFlight.put(webhook, now);
        if (attempt == 1 && "incoming".equals(webhook.kind())) {
            Track track = byFrom.remove(webhook.params().get("From"));
            if (track != null) {
                track.sid = webhook.callSid();
                track.expected = track.tenant.ready();
                track.sentAt = now;
                bySid.put(track.sid, track);
            }
        }
    }

    @Override
    public void answered(Webhook webhook, int attempt, int status) {
        long now = System.nanoTime();
        Long sent = webhooksInFlight.remove(webhook);
        if (measuring) {
            webhooksInWindow.increment();
            if (sent != null) {
                webhookResponse.recordNanos(now - sent);
            }
            if (status < 200 || status >= 300) {
                error("webhook " + webhook.kind() + " answered " + status);
            }
        }
    }

    // ---- the agents' screens ----------------------------------------------------------------------------------------

    /** Every frame of its tenants' agents, on the fleet's event loops. Reads only what it needs, without a JSON parser. */
    @Override
    public void onText(Fleet.Socket socket, String text, long now) {
        Agent agent = (Agent) socket.owner;
        if (measuring) {
            framesInWindow.increment();
            bytesInWindow.add(text.length());
        }
        if (text.startsWith("{\"type\":\"call\"")) {
            onCall(agent, text, now);
        } else if (text.startsWith("{\"type\":\"ack\"")) {
            onReply(field(text, "requestId"), null, now);
        } else if (text.startsWith("{\"type\":\"error\"")) {
            onReply(field(text, "requestId"), field(text, "code"), now);
        } else if (measuring && text.startsWith("{\"type\":\"snapshot\"") && text.contains("\"resync\":true")) {
            // The gateway replaced changes it could not deliver in order with a fresh picture: their frames never come.
            error("resync snapshots instead of changes");
        }
    }

    private void onCall(Agent agent, String text, long now) {
        Track track = bySid.get(field(text, "callSid"));
        if (track == null) {
            return;
        }
        long seq = seq(text);
        track.lastSeq.accumulateAndGet(seq, Math::max);
        if (text.contains("\"state\":\"RINGING\"")) {
            if (track.ringSeq.get() < 0) {
                track.ringSeq.compareAndSet(-1, seq);
            }
            if (track.ringSeq.get() != seq) {
                return; // it rings again (a claim given back, a park ring-back): not the webhook's change
            }
            if (track.measured) {
                endToEnd.recordNanos(now - track.sentAt);
                ringFrames.increment();
                ringFrameChars.add(text.length());
            }
            if (track.received.incrementAndGet() == track.expected && track.measured) {
                endToEndLastAgent.recordNanos(now - track.sentAt);
            }
            if (agent == track.claimer && track.claimSent.compareAndSet(false, true)) {
                later(CLAIM_DELAY, () -> command(agent, "claim", track));
            }
        } else if (text.contains("\"state\":\"CONNECTED\"")) {
            onConnected(track.connect, agent, seq, now);
        } else if (text.contains("\"state\":\"ENDED\"") && track.ended.compareAndSet(false, true)) {
            later(FREE_DELAY, () -> freeAll(track));
        }
    }

    /** A CONNECTED {@code call} frame on {@code agent}'s screen: the claim's, if it is the first since it left. */
    private void onConnected(Connect c, Agent agent, long seq, long now) {
        if (c == null || c.refused || seq <= c.afterSeq) {
            return;
        }
        if (c.seq.get() < 0) {
            c.seq.compareAndSet(-1, seq);
        }
        if (c.seq.get() != seq) {
            return; // a later CONNECTED: this claim's came before it
        }
        if (agent == c.agent && c.onClaimersScreen.compareAndSet(false, true) && c.measured) {
            claimToConnected.recordNanos(now - c.sentAt);
        }
        if (c.screens.incrementAndGet() == c.expected && c.measured) {
            claimToConnectedEveryScreen.recordNanos(now - c.sentAt);
        }
    }

    private void onReply(String requestId, String errorCode, long now) {
        Pending p = requestId == null ? null : pending.remove(requestId);
        if (p == null) {
            return;
        }
        Track track = p.track();
        if (errorCode != null && p.connect() != null) {
            p.connect().refused = true;
        }
        if ("invalid_state".equals(errorCode) && p.kind().equals("retrieve")
                && track.retrieves.incrementAndGet() < MAX_RETRIEVES) {
            // Twilio has not confirmed the park yet: the agent clicks retrieve again a moment later.
            later(RETRIEVE_DELAY, () -> command(track.retriever, "retrieve", track));
            return;
        }
        if (errorCode != null) {
            if (track.measured) {
                error(p.kind() + " refused: " + errorCode);
            }
            later(Duration.ofMillis(500), () -> simulator.hangup(track.sid));
            return;
        }
        if (track.measured) {
            (p.kind().equals("claim") ? claimRoundTrip : commandRoundTrip).recordNanos(now - p.sentAt());
        }
        switch (p.kind()) {
            case "claim" -> {
                claimsAcked.increment();
                later(TALK, () -> {
                    if (track.park) {
                        command(p.agent(), "park", track);
                    } else if (track.agentHangsUp) {
                        command(p.agent(), "hangup", track);
                    } else {
                        simulator.hangup(track.sid);
                    }
                });
            }
            case "park" -> {
                // Parked: the parker is free at once (no wrap-up on the benchmark's stack); someone else retrieves.
                later(FREE_DELAY, () -> free(track.claimer));
                later(RETRIEVE_DELAY, () -> {
                    Agent retriever = take(track.tenant);
                    if (retriever == null) {
                        simulator.hangup(track.sid);
                        return;
                    }
                    track.retriever = retriever;
                    command(retriever, "retrieve", track);
                });
            }
            case "retrieve" -> later(TALK, () -> simulator.hangup(track.sid));
            default -> {
                // hangup: the call ENDS when Twilio's completed callback arrives
            }
        }
    }

    static String field(String json, String name) {
        String key = "\"" + name + "\":\"";
        int start = json.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        int end = json.indexOf('"', start);
        return end < 0 ? null : json.substring(start, end);
    }

    static long seq(String json) {
        int start = json.indexOf("\"seq\":");
        if (start < 0) {
            return -2;
        }
        start += 6;
        long value = 0;
        for (int i = start; i < json.length() && Character.isDigit(json.charAt(i)); i++) {
            value = value * 10 + (json.charAt(i) - '0');
        }
        return value;
    }

    void close() {
        timers.shutdownNow();
    }
}
