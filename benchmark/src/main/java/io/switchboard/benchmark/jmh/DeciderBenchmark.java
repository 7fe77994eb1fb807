package io.switchboard.benchmark.jmh;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Presence;
import io.switchboard.state.core.AgentRecord;
import io.switchboard.state.core.CallDecider;
import io.switchboard.state.core.CallRecord;
import io.switchboard.state.core.Decision;
import io.switchboard.state.core.Input;
import io.switchboard.state.core.Projection;
import io.switchboard.state.core.Situation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** call-state's pure core: the decision and the numbered changes for a ringing call and for a claim of it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeciderBenchmark {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final String CALL = "CA0123456789abcdef0123456789abcdef";

    final CallDecider decider = new CallDecider(new CallDecider.Timing(Duration.ofSeconds(25),
            Duration.ofSeconds(120), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(35), Duration.ofSeconds(180)));
    final AgentRecord doug = new AgentRecord("acme", "doug", "Doug", true, Presence.ONLINE, AgentStatus.AVAILABLE,
            null, null, null, null, null);
    final Situation noCall = new Situation("acme", null, false, Map.of());
    final Situation ringing = new Situation("acme", CallRecord.ringing(CALL, "acme", "+15551230000", "+15005550006",
            T0, T0.plusSeconds(180)), false, Map.of("doug", doug));
    final Input incoming = new Input.RingIncoming(CALL, "+15551230000", "+15005550006", T0);
    final Input claim = new Input.Claim(CALL, "doug", T0.plusSeconds(1));

    @Benchmark
    public Projection.Applied ringIncoming() {
        Decision d = decider.decide(incoming, noCall);
        return Projection.apply(noCall, d.facts(), 1);
    }

    @Benchmark
    public Projection.Applied claimRingingCall() {
        Decision d = decider.decide(claim, ringing);
        return Projection.apply(ringing, d.facts(), 2);
    }
}
