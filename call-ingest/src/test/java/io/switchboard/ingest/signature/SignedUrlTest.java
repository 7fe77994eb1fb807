package io.switchboard.ingest.signature;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignedUrlTest {
    private static final String PATH = "/twilio/voice/status";

    @Test
    void isThePublicBaseUrlWithTheRequestPathAndRawQuery() {
        assertThat(SignedUrl.of("https://ingest.example.com", PATH, "tenant=acme&x=a%20b", null, null, false))
                .isEqualTo("https://ingest.example.com/twilio/voice/status?tenant=acme&x=a%20b");
        assertThat(SignedUrl.of("https://ingest.example.com/", PATH, null, null, null, false))
                .isEqualTo("https://ingest.example.com/twilio/voice/status");
        assertThat(SignedUrl.of("https://ingest.example.com", PATH, "", null, null, false))
                .isEqualTo("https://ingest.example.com/twilio/voice/status");
    }

    @Test
    void forwardedHeadersAreIgnoredUnlessTrusted() {
        assertThat(SignedUrl.of("http://ingest.internal:8081", PATH, null, "https", "public.example", false))
                .isEqualTo("http://ingest.internal:8081/twilio/voice/status");
    }

    @Test
    void trustedForwardedHeadersReplaceSchemeAndHost() {
        assertThat(SignedUrl.of("http://ingest.internal:8081", PATH, "tenant=acme", "https", "public.example", true))
                .isEqualTo("https://public.example/twilio/voice/status?tenant=acme");
        assertThat(SignedUrl.of("http://ingest.internal:8081", PATH, null, "https", null, true))
                .isEqualTo("https://ingest.internal:8081/twilio/voice/status");
        assertThat(SignedUrl.of("http://ingest.internal:8081", PATH, null, null, null, true))
                .isEqualTo("http://ingest.internal:8081/twilio/voice/status");
    }

    @Test
    void trustedForwardedHeadersKeepTheBasePathAndTakeTheClientFacingHop() {
        assertThat(SignedUrl.of("http://ingest.internal/calls", PATH, null, "https, http", "public.example, lb.local",
                true)).isEqualTo("https://public.example/calls/twilio/voice/status");
    }
}
