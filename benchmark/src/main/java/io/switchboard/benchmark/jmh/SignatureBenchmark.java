package io.switchboard.benchmark.jmh;

import com.twilio.security.RequestValidator;
import io.switchboard.stack.twilio.TwilioSignature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What call-ingest does for every webhook before anything else: twilio-java's {@link RequestValidator} over the URL
 * and the form parameters of a typical incoming-call webhook (the ones the simulator sends, as Twilio does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {
    static final String TOKEN = "local-stack-auth-token";
    static final String URL = "https://ingest.example.com/twilio/voice/incoming";

    final RequestValidator validator = new RequestValidator(TOKEN);
    final Map<String, String> params = new LinkedHashMap<>();
    final String signature;

    public SignatureBenchmark() {
        params.put("AccountSid", "AC00000000000000000000000000000000");
        params.put("ApiVersion", "2010-04-01");
        params.put("CallSid", "CA0123456789abcdef0123456789abcdef");
        params.put("CallStatus", "ringing");
        params.put("Direction", "inbound");
        params.put("From", "+15551230000");
        params.put("To", "+15005550006");
        params.put("Caller", "+15551230000");
        params.put("Called", "+15005550006");
        params.put("FromCountry", "US");
        params.put("ToCountry", "US");
        params.put("CallerCountry", "US");
        params.put("CalledCountry", "US");
        signature = TwilioSignature.sign(TOKEN, URL, params);
    }

    @Benchmark
    public boolean validateIncomingWebhook() {
        return validator.validate(URL, params, signature);
    }
}
