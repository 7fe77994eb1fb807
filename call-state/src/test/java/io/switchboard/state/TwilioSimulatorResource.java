package io.switchboard.state;

import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.stack.twilio.TwilioSimulatorTestResource;
import java.time.Duration;
import java.util.Map;

/**
 * The Twilio simulator for call-state's tests: call-state's REST calls go to it through twilio-java. Its
 * webhooks (which call-ingest would turn into events) go to a bare TwiML responder that answers like call-ingest;
 * the tests publish the events themselves, as call-ingest would.
 */
public class TwilioSimulatorResource extends TwilioSimulatorTestResource {
    /** As call-ingest answers: hold new callers, and callers whose agent did not answer. */
    @Override
    protected String answer(String path, String form) {
        return path.endsWith(VoiceWebhooks.INCOMING)
                || path.endsWith(VoiceWebhooks.DIAL_ENDED) && !form.contains("DialCallStatus=completed")
                ? "<Response><Enqueue>acme</Enqueue></Response>" : "<Response/>";
    }

    @Override
    protected TwilioSimulator.Config configure(TwilioSimulator.Config withNumber) {
        return withNumber.withAnswerDelay(Duration.ofMillis(20));
    }

    @Override
    protected Map<String, String> config(TwilioSimulator simulator, String publicBaseUrl) {
        return Map.of(
                "switchboard.twilio.api-base-url", simulator.baseUrl(),
                "switchboard.twilio.account-sid", simulator.accountSid(),
                "switchboard.twilio.auth-token", simulator.authToken(),
                "switchboard.public-base-url", publicBaseUrl);
    }
}
