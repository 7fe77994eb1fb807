package io.switchboard.benchmark;

import io.switchboard.stack.twilio.TwilioSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Every agent of one tenant claims a different ringing call at the same moment: a storm. One storm places as many
 * calls as the tenant has agents, waits until each rings on every agent's screen, sends every agent's {@code claim}
 * for its own call in one go from one thread, and measures each {@code claim} → {@code ack} (or {@code error}) as it
 * arrives on that agent's socket. Then the callers hang up, and the next storm waits until every agent is available
 * again (their own {@code agent} frames say so).
 */
final class ClaimStorm implements Fleet.Frames {
    /** How long any step of a storm may take before the storm gives up on it and says so. */
    static final Duration STEP_LIMIT = Duration.ofSeconds(30);

    /** One storm's claims. */
    record Outcome(Latency acks, Map<String, Long> errors) {
        Map<String, Object> figures(int storm) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("storm", storm);
            f.putAll(acks.summary());
            f.put("errors", errors);
            return f;
        }
    }

    private record Pending(long sentAt, Latency acks, Latency everyStorm, Map<String, LongAdder> errors,
            CountDownLatch answered) {
    }

    private final CallLoad.Tenant tenant;
    private final TwilioSimulator simulator;
    /** callSid → the agents whose screen shows it ringing; and ended. */
    private final Map<String, Set<CallLoad.Agent>> ringingOn = new ConcurrentHashMap<>();
    private final Map<String, Set<CallLoad.Agent>> endedOn = new ConcurrentHashMap<>();
    /** An agent's last word on itself: available and on no call. Agents not heard of yet are (a fresh seed). */
    private final Map<CallLoad.Agent, Boolean> free = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger callers = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    ClaimStorm(CallLoad.Tenant tenant, TwilioSimulator simulator) {
        this.tenant = tenant;
        this.simulator = simulator;
    }

    /** One storm; {@code everyStorm} gets its acks too. */
    Outcome run(Latency everyStorm) throws InterruptedException {
        List<CallLoad.Agent> agents = tenant.agents;
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        if (!await(() -> agents.stream().allMatch(a -> free.getOrDefault(a, true)))) {
            errors.computeIfAbsent("agents not available before the storm", k -> new LongAdder()).increment();
        }
        // Whatever rang or ended before (the last storm's calls, or other phases') has ended by now.
        ringingOn.clear();
        endedOn.clear();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            // Not +1555…: CallLoad finds its own calls by that caller number.
            calls.add(simulator.placeCall(String.format("+1444%07d", callers.incrementAndGet()), tenant.number));
        }
        if (!await(() -> calls.stream().allMatch(c -> shownOnEveryScreen(ringingOn, c)))) {
            errors.computeIfAbsent("calls not ringing on every screen", k -> new LongAdder()).increment();
        }

        Latency acks = new Latency();
        CountDownLatch answered = new CountDownLatch(agents.size());
        List<String> claims = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            claims.add("{\"type\":\"claim\",\"callSid\":\"" + calls.get(i) + "\",\"requestId\":\"storm"
                    + requests.incrementAndGet() + "\"}");
        }
        for (int i = 0; i < agents.size(); i++) {
            pending.put(CallLoad.field(claims.get(i), "requestId"), new Pending(System.nanoTime(), acks, everyStorm,
                    errors, answered));
            agents.get(i).socket.send(claims.get(i));
        }
        if (!answered.await(STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            errors.computeIfAbsent("claims not answered within " + STEP_LIMIT.toSeconds() + " s",
                    k -> new LongAdder()).add(answered.getCount());
            pending.values().removeIf(p -> p.answered() == answered);
        }

        calls.forEach(simulator::hangup);
        if (!await(() -> calls.stream().allMatch(c -> shownOnEveryScreen(endedOn, c)))) {
            errors.computeIfAbsent("calls not ENDED on every screen", k -> new LongAdder()).increment();
        }
        Map<String, Long> counted = new LinkedHashMap<>();
        errors.forEach((what, n) -> counted.put(what, n.sum()));
        return new Outcome(acks, counted);
    }

    private boolean shownOnEveryScreen(Map<String, Set<CallLoad.Agent>> shown, String call) {
        Set<CallLoad.Agent> screens = shown.get(call);
        return screens != null && screens.size() == tenant.agents.size();
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The tenant's frames, on the fleet's event loops. */
    @Override
    public void onText(Fleet.Socket socket, String text, long now) {
        CallLoad.Agent agent = (CallLoad.Agent) socket.owner;
        if (text.startsWith("{\"type\":\"call\"")) {
            String call = CallLoad.field(text, "callSid");
            if (text.contains("\"state\":\"RINGING\"")) {
                ringingOn.computeIfAbsent(call, k -> ConcurrentHashMap.newKeySet()).add(agent);
            } else if (text.contains("\"state\":\"ENDED\"")) {
                endedOn.computeIfAbsent(call, k -> ConcurrentHashMap.newKeySet()).add(agent);
            }
        } else if (text.startsWith("{\"type\":\"ack\"") || text.startsWith("{\"type\":\"error\"")) {
            Pending p = pending.remove(String.valueOf(CallLoad.field(text, "requestId")));
            if (p == null) {
                return;
            }
            String code = CallLoad.field(text, "code");
            if (code == null) {
                p.acks().recordNanos(now - p.sentAt());
                p.everyStorm().recordNanos(now - p.sentAt());
            } else {
                p.errors().computeIfAbsent("claim refused: " + code, k -> new LongAdder()).increment();
            }
            p.answered().countDown();
        } else if (text.startsWith("{\"type\":\"agent\"") && agent.id.equals(CallLoad.field(text, "id"))) {
            free.put(agent, "available".equals(CallLoad.field(text, "status"))
                    && !text.contains("\"currentCall\":{"));
        }
    }
}
