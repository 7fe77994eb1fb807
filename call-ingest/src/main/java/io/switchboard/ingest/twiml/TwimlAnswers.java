package io.switchboard.ingest.twiml;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Play;
import com.twilio.twiml.voice.Record;
import com.twilio.twiml.voice.Reject;
import com.twilio.twiml.voice.Say;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.contract.handling.CallHandling;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.mapping.TwilioWebhook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The TwiML call-ingest answers, built with twilio-java so the XML is what Twilio expects. */
@ApplicationScoped
public class TwimlAnswers {

    private static final int MAX_CACHED_QUEUES = 100_000;
    /** What a caller hears before the tone when the tenant set no greeting. */
    public static final String DEFAULT_GREETING = "Sorry, nobody can take your call right now. Please leave a message"
            + " after the tone.";
    /** What a caller hears outside business hours before the hang-up when the tenant set no message. */
    public static final String DEFAULT_AFTER_HOURS_MESSAGE = "Thank you for calling. We are closed right now. Please"
            + " call again during our business hours. Goodbye.";
    /** After the recording. */
    public static final String GOODBYE = "Thank you, your message has been recorded. Goodbye.";
    /** The longest voicemail, in seconds. */
    public static final int VOICEMAIL_MAX_SECONDS = 120;
    /** Seconds of silence that end a voicemail. */
    public static final int VOICEMAIL_SILENCE_SECONDS = 10;
    /** How long the overflow number rings before the forward gives up, in seconds. */
    public static final int FORWARD_RING_SECONDS = 30;

    private final ConcurrentMap<String, String> enqueueByQueue = new ConcurrentHashMap<>();
    private final String publicBaseUrl;
    private final String holdUrl;
    private final String hold;
    private final String reject = new VoiceResponse.Builder().reject(new Reject.Builder().build()).build().toXml();
    private final String hangup = new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build().toXml();
    private final String empty = new VoiceResponse.Builder().build().toXml();
    private final String voicemailDone = new VoiceResponse.Builder().say(new Say.Builder(GOODBYE).build())
            .hangup(new Hangup.Builder().build()).build().toXml();

    @Inject
    public TwimlAnswers(IngestConfig config) {
        this(config.publicBaseUrl(), config.ingest().holdAudioUrl());
    }

    public TwimlAnswers(String publicBaseUrl, String holdAudioUrl) {
        this.publicBaseUrl = publicBaseUrl;
        this.holdUrl = VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.HOLD, "");
        // loop="0": Twilio repeats the audio until the caller leaves the queue
        this.hold = new VoiceResponse.Builder().play(new Play.Builder(holdAudioUrl).loop(0).build()).build().toXml();
    }

    /** The caller waits in the tenant's queue until call-state redirects the call. */
    public String enqueue(String tenantId) {
        return enqueue(tenantId, false);
    }

    private String enqueue(String tenantId, boolean parked) {
        // Built once per queue and kept: twilio-java renders TwiML through a fresh javax.xml Transformer each time
        // (a service lookup, a factory, a serializer), which made it the costliest step of an incoming webhook (JMH
        // TwimlBenchmark, docs/benchmarks.md). A queue's answer never changes. Tenants are few; the bound only
        // keeps a flood of unknown ids from growing the map.
        String queue = VoiceWebhooks.queue(tenantId, parked);
        String known = enqueueByQueue.get(queue);
        if (known != null) {
            return known;
        }
        String twiml = new VoiceResponse.Builder()
                .enqueue(new Enqueue.Builder(queue).waitUrl(holdUrl).build())
                .build().toXml();
        if (enqueueByQueue.size() < MAX_CACHED_QUEUES) {
            enqueueByQueue.putIfAbsent(queue, twiml);
        }
        return twiml;
    }

    /**
     * After the {@code <Dial>} to an agent: hang up once a conversation took place, otherwise wait again — in the
     * parking lot if the caller was being retrieved from it.
     */
    public String afterDial(String tenantId, TwilioCallStatus dialCallStatus, boolean parked) {
        return dialCallStatus == TwilioCallStatus.COMPLETED || dialCallStatus == TwilioCallStatus.ANSWERED
                ? hangup
                : enqueue(tenantId, parked);
    }

    /**
     * The voicemail: the greeting — the tenant's audio, else its text, else {@link #DEFAULT_GREETING} — then a
     * {@code <Record>} whose status callback names the tenant, the call and the caller's numbers (Twilio's recording
     * callback names neither tenant nor numbers). Outside business hours the tenant's after-hours message, when it set
     * one, comes first: it says why nobody answers, the greeting what to do.
     *
     * @param from the caller's number and {@code to} the number they called, from Twilio's request for this document
     */
    public String voicemail(String tenantId, String callSid, String from, String to, CallHandling settings,
            boolean outsideHours) {
        VoiceResponse.Builder response = new VoiceResponse.Builder();
        if (outsideHours && settings.afterHoursMessage() != null) {
            response.say(new Say.Builder(settings.afterHoursMessage()).build());
        }
        if (settings.greetingUrl() != null) {
            response.play(new Play.Builder(settings.greetingUrl()).build());
        } else {
            response.say(new Say.Builder(settings.greetingText() != null ? settings.greetingText() : DEFAULT_GREETING)
                    .build());
        }
        String call = query(TwilioWebhook.TENANT, tenantId, VoiceWebhooks.CALL, callSid);
        response.record(new Record.Builder()
                .playBeep(true)
                .maxLength(VOICEMAIL_MAX_SECONDS)
                .timeout(VOICEMAIL_SILENCE_SECONDS)
                .action(VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.VOICEMAIL_DONE, call))
                .recordingStatusCallback(VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.RECORDING,
                        call + "&" + query(TwilioWebhook.CALLER_FROM, from, TwilioWebhook.CALLER_TO, to)))
                .recordingStatusCallbackEvents(Record.RecordingEvent.COMPLETED)
                .build());
        // Twilio asks the action URL only when something was recorded; a caller who said nothing goes on here.
        response.hangup(new Hangup.Builder().build());
        return response.build().toXml();
    }

    /** Outside business hours, {@code afterHours=message}: the tenant's message (or a default), then a hang-up. */
    public String afterHoursMessage(CallHandling settings) {
        return new VoiceResponse.Builder()
                .say(new Say.Builder(settings.afterHoursMessage() != null ? settings.afterHoursMessage()
                        : DEFAULT_AFTER_HOURS_MESSAGE).build())
                .hangup(new Hangup.Builder().build())
                .build().toXml();
    }

    /** The voicemail is recorded ({@code <Record action>}): goodbye. */
    public String voicemailDone() {
        return voicemailDone;
    }

    /**
     * The overflow: a {@code <Dial>} to the tenant's number, showing the caller's number ({@code callerId}; Twilio's
     * default when null), whose end Twilio reports to {@link VoiceWebhooks#FORWARD_ENDED}.
     */
    public String forward(String tenantId, String callSid, String callerId, String forwardTo) {
        Dial.Builder dial = new Dial.Builder(forwardTo)
                .action(VoiceWebhooks.url(publicBaseUrl, VoiceWebhooks.FORWARD_ENDED,
                        query(TwilioWebhook.TENANT, tenantId, VoiceWebhooks.CALL, callSid)))
                .timeout(FORWARD_RING_SECONDS);
        if (callerId != null && !callerId.isBlank()) {
            dial.callerId(callerId);
        }
        return new VoiceResponse.Builder().dial(dial.build()).build().toXml();
    }

    /** {@code name=value&…}, each value form-encoded ({@code +} of a number as {@code %2B}); a null value as empty. */
    static String query(String... namesAndValues) {
        StringJoiner query = new StringJoiner("&");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1] == null ? "" : namesAndValues[i + 1];
            query.add(namesAndValues[i] + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    public String reject() {
        return reject;
    }

    public String hangup() {
        return hangup;
    }

    public String hold() {
        return hold;
    }

    /** {@code <Response/>}: nothing to do (status callbacks). */
    public String empty() {
        return empty;
    }
}
