package io.switchboard.gateway.support;

import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.stack.twilio.TwilioSimulatorTestResource;
import java.util.Map;

/**
 * The Twilio simulator as the gateway's Twilio: its REST API is where recordings are fetched, with the account's
 * credentials. Its one number answers calls with a hang-up (a bare responder plays call-ingest): the tests only need
 * calls for the simulator to hold recordings of.
 */
public class TwilioSimulatorResource extends TwilioSimulatorTestResource {
    @Override
    protected String answer(String path, String form) {
        return "<Response><Hangup/></Response>";
    }

    /**
     * The gateway declares no public base URL (Twilio sends it no webhooks), and its account SID is among the
     * softphone's voice settings.
     */
    @Override
    protected Map<String, String> config(TwilioSimulator simulator, String publicBaseUrl) {
        return Map.of(
                "switchboard.twilio.api-base-url", simulator.baseUrl(),
                "switchboard.voice.account-sid", simulator.accountSid(),
                "switchboard.twilio.auth-token", simulator.authToken());
    }
}
