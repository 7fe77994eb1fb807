package io.switchboard.state;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.Stack;
import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.stack.twilio.TwimlResponder;
import java.time.Duration;
import java.util.Map;

/**
 * The Twilio simulator for call-state's tests: call-state's REST calls go to it through twilio-java. Its
 * webhooks (which call-ingest would turn into events) go to a bare TwiML responder that answers like call-ingest;
 * the tests publish the events themselves, as call-ingest would.
 */
public class TwilioSimulatorResource implements QuarkusTestResourceLifecycleManager {
    public static final String NUMBER = "+15005550006";
    private static TwilioSimulator simulator;
    private TwimlResponder responder;

    @Override
    public Map<String, String> start() {
        // As call-ingest answers: hold new callers, and callers whose agent did not answer.
        responder = TwimlResponder.start((path, form) -> path.endsWith(VoiceWebhooks.INCOMING)
                || path.endsWith(VoiceWebhooks.DIAL_ENDED) && !form.contains("DialCallStatus=completed")
                ? "<Response><Enqueue>acme</Enqueue></Response>" : "<Response/>");
        String publicBaseUrl = responder.baseUrl();
        simulator = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, Stack.callIngestNumber(publicBaseUrl))
                .withAnswerDelay(Duration.ofMillis(20)));
        return Map.of(
                "switchboard.twilio.api-base-url", simulator.baseUrl(),
                "switchboard.twilio.account-sid", simulator.accountSid(),
                "switchboard.twilio.auth-token", simulator.authToken(),
                "switchboard.public-base-url", publicBaseUrl);
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (responder != null) {
            responder.close();
        }
    }

    public static TwilioSimulator simulator() {
        return simulator;
    }
}
