package io.switchboard.benchmark.jmh;

import io.switchboard.contract.Call;
import io.switchboard.contract.CallState;
import io.switchboard.contract.Json;
import io.switchboard.contract.StateChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One change on its way to a tenant's screens. call-state serializes it once (to its outbox); the gateway forwards
 * that string unchanged to every connection, and Vert.x turns the string into UTF-8 bytes once per connection it is
 * written to. {@code serializeChange} is the once-per-change cost; {@code utf8PerConnection} what a fan-out to
 * {@code connections} sockets spends on encoding, against {@code utf8Once}, which is what encoding once and sharing
 * the bytes would cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {
    @Param({"1000"})
    public int connections;

    final StateChange change = new StateChange.CallChanged("acme", 4711,
            new Call("CA0123456789abcdef0123456789abcdef", "+15551230000", "+15005550006", CallState.RINGING, null,
                    null, Instant.parse("2026-11-21T14:03:07.120Z"), null, null, null, null, null, false, null, null,
                    null, "inbound", null));
    String frame;

    public FanOutBenchmark() {
        try {
            frame = Json.MAPPER.writeValueAsString(change);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public String serializeChange() throws Exception {
        return Json.MAPPER.writeValueAsString(change);
    }

    @Benchmark
    public void utf8PerConnection(Blackhole hole) {
        for (int i = 0; i < connections; i++) {
            hole.consume(frame.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void utf8Once(Blackhole hole) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < connections; i++) {
            hole.consume(bytes);
        }
    }
}
