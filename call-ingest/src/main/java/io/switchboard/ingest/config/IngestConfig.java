package io.switchboard.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** call-ingest's settings; {@code application.properties} binds the secrets and URLs to environment variables. */
@ConfigMapping(prefix = "switchboard")
public interface IngestConfig {

    /**
     * The public URL Twilio is given for this service ({@code PUBLIC_BASE_URL}), e.g. {@code https://ingest.example.com}.
     * Twilio signs the URL it calls, so signatures are checked against this, not against what the request looks
     * like after proxies.
     */
    String publicBaseUrl();

    Twilio twilio();

    Ingest ingest();

    interface Twilio {
        /** The Twilio account's auth token ({@code TWILIO_AUTH_TOKEN}): the key of {@code X-Twilio-Signature}. Never logged. */
        String authToken();
    }

    interface Ingest {
        /**
         * Take scheme and host of the signed URL from {@code X-Forwarded-Proto} / {@code X-Forwarded-Host}. Only
         * behind a proxy you trust: anyone else could make a request look like it was meant for another URL.
         */
        @WithDefault("false")
        boolean trustForwardedHeaders();

        /** How long the journal's forwarder waits for Kafka's acknowledgement of an event before it tries again. */
        @WithDefault("5s")
        Duration publishTimeout();

        /** Where webhooks wait for Kafka: the pod's own disk. */
        Journal journal();

        /**
         * How long a webhook waits for PostgreSQL to name the tenant of a number; then the owner this pod last saw is
         * taken, and a number it never saw is answered 503.
         */
        @WithDefault("2s")
        Duration tenantLookupTimeout();

        /**
         * How long a decision waits for PostgreSQL to give a tenant's call handling settings (business hours, greeting,
         * forward number); then it goes by the settings this pod last read for the tenant, or the defaults. Short,
         * because an incoming call may wait for the tenant lookup first, and Twilio gives up reading the answer after
         * 4 s ({@code VoiceWebhooks.TWIML_OVERRIDES}).
         */
        @WithDefault("1s")
        Duration handlingLookupTimeout();

        /**
         * How long a known number's tenant is taken without asking PostgreSQL again. Unknown numbers are asked again
         * every time. Read by quarkus-cache, not by code: application.properties makes it the expiry of the
         * {@code tenant-owners} cache.
         */
        @WithDefault("30s")
        Duration tenantCacheTtl();

        /** What callers hear while they wait in the queue ({@code <Play loop="0">}). */
        @WithDefault("http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3")
        String holdAudioUrl();
    }

    interface Journal {
        /**
         * The journal's SQLite file, on a volume of the pod's own that outlives the process (a PersistentVolumeClaim
         * in deploy/). Webhooks answered while Kafka was away wait here.
         */
        @WithDefault("journal/call-ingest.db")
        Path path();

        /**
         * How many webhooks may wait for Kafka; beyond it a webhook is answered 503, unstored. Each takes about a
         * kilobyte on disk.
         */
        @WithDefault("1000000")
        long maxWaiting();
    }
}
