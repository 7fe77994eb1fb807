package io.switchboard.benchmark.jmh;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Enqueue;
import io.switchboard.ingest.twiml.TwimlAnswers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * call-ingest's answer to an incoming call, {@code <Enqueue waitUrl="…">tenant</Enqueue>}: rendered by twilio-java for
 * every webhook (what it did before; {@code renderEveryTime}), against {@link TwimlAnswers} now, which renders each
 * queue's answer once ({@code answersNow}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TwimlBenchmark {
    static final String HOLD = "https://ingest.example.com/twilio/voice/hold";

    final TwimlAnswers answers = new TwimlAnswers("https://ingest.example.com", "https://example.com/hold.mp3");

    @Benchmark
    public String renderEveryTime() {
        return new VoiceResponse.Builder().enqueue(new Enqueue.Builder("acme").waitUrl(HOLD).build()).build().toXml();
    }

    @Benchmark
    public String answersNow() {
        return answers.enqueue("acme");
    }
}
