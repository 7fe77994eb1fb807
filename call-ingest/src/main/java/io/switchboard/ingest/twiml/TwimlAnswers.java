package io.switchboard.ingest.twiml;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Play;
import com.twilio.twiml.voice.Reject;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The TwiML call-ingest answers, built with twilio-java so the XML is what Twilio expects. */
@ApplicationScoped
public class TwimlAnswers {

    private static final int MAX_CACHED_QUEUES = 100_000;

    private final ConcurrentMap<String, String> enqueueByQueue = new ConcurrentHashMap<>();
    private final String holdUrl;
    private final String hold;
    private final String reject = new VoiceResponse.Builder().reject(new Reject.Builder().build()).build().toXml();
    private final String hangup = new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build().toXml();
    private final String empty = new VoiceResponse.Builder().build().toXml();

    @Inject
    public TwimlAnswers(IngestConfig config) {
        this(config.publicBaseUrl(), config.ingest().holdAudioUrl());
    }

    public TwimlAnswers(String publicBaseUrl, String holdAudioUrl) {
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
