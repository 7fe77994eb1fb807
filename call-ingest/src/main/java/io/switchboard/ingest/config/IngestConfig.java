package io.switchboard.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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

        /** How long a webhook waits for Kafka's acknowledgement before answering 503; well under Twilio's 15 s. */
        @WithDefault("5s")
        Duration publishTimeout();

        /** How long a webhook waits for PostgreSQL to name the tenant of a number before answering 503. */
        @WithDefault("2s")
        Duration tenantLookupTimeout();

        /** How long a known number's tenant is remembered. Unknown numbers are asked again every time. */
        @WithDefault("30s")
        Duration tenantCacheTtl();

        /** What callers hear while they wait in the queue ({@code <Play loop="0">}). */
        @WithDefault("http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3")
        String holdAudioUrl();
    }
}
