package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.twilio.security.RequestValidator;
import io.switchboard.stack.FreePort;
import io.switchboard.stack.twilio.WebhookReceiver.Received;
import io.switchboard.stack.twilio.WebhookReceiver.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery by Twilio's rules ("Webhooks (HTTP callbacks): Connection Overrides"), against a real HTTP
 * application on the loopback: by default one retry, at once, of a connection that could not be made, and nothing
 * else; a URL's fragment changes that and never leaves the simulator; a number's fallback URL takes over when its
 * voice URL gives no TwiML.
 */
class WebhookRetriesTest {
    private static final String CALLER = "+15551230000";
    private static final String ENQUEUE = "<Response><Enqueue>acme</Enqueue></Response>";
    private static final String TOKEN = TwilioSimulator.Config.DEFAULT_AUTH_TOKEN;

    private final AtomicInteger numbers = new AtomicInteger();
    private WebhookReceiver app;
    private TwilioSimulator twilio;

    @BeforeEach
    void start() throws IOException {
        app = new WebhookReceiver(TOKEN)
                .on("/ok", r -> Reply.twiml(ENQUEUE))
                .on("/fallback", r -> Reply.twiml(ENQUEUE))
                .on("/503", r -> new Reply(503, ""))
                .on("/404", r -> new Reply(404, ""))
                .on("/slow", r -> Reply.slow(Duration.ofSeconds(1), ENQUEUE))
                .on("/never", r -> Reply.never());
        twilio = TwilioSimulator.start(TwilioSimulator.Config.defaults());
    }

    @AfterEach
    void stop() {
        twilio.close();
        app.close();
        assertThat(app.received()).allSatisfy(r -> assertThat(r.signatureValid()).as(r.url()).isTrue());
    }

    // ---- Twilio's defaults --------------------------------------------------------------------------------------

    @Test
    void aConnectionThatCannotBeMadeIsTriedOnceMoreAtOnce() {
        String caller = call(closedUrl("/incoming"));

        List<WebhookAttempt> attempts = failedAttempts(caller);
        assertThat(attempts).extracting(WebhookAttempt::attempt, WebhookAttempt::httpStatus)
                .containsExactly(tuple(1, 0), tuple(2, 0));
        assertThat(attempts).allSatisfy(a -> assertThat(a.error()).contains("ConnectException"));
        assertThat(attempts.get(1).idempotencyToken()).isEqualTo(attempts.get(0).idempotencyToken());
        // No pause between them: Twilio documents none.
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isLessThan(Duration.ofMillis(500));
        assertThat(twilio.deliveryFigures().retries()).isEqualTo(1);
        assertThat(twilio.deliveryFigures().givenUp()).isEqualTo(1);
    }

    @Test
    void a5xxIsNotRetried() {
        String caller = call(app.url("/503"));

        assertThat(failedAttempts(caller)).extracting(WebhookAttempt::httpStatus).containsExactly(503);
        assertThat(app.received("/503")).hasSize(1);
        assertThat(twilio.deliveryFigures().retries()).isZero();
        assertThat(twilio.deliveryFigures().givenUp()).isEqualTo(1);
    }

    @Test
    void a4xxIsNotRetried() {
        String caller = call(app.url("/404"));

        assertThat(failedAttempts(caller)).extracting(WebhookAttempt::httpStatus).containsExactly(404);
        assertThat(app.received("/404")).hasSize(1);
    }

    @Test
    void anAnswerThatComesTooLateIsNotRetried() {
        String caller = call(app.url("/slow#rt=300"));

        List<WebhookAttempt> attempts = failedAttempts(caller);
        assertThat(attempts).singleElement().satisfies(a -> {
            assertThat(a.httpStatus()).isZero();
            assertThat(a.error()).contains("HttpTimeoutException");
        });
        assertThat(app.received("/slow")).hasSize(1);
    }

    // ---- the fragment's overrides -------------------------------------------------------------------------------

    @Test
    void rcAndRpRetryA5xx() {
        String caller = call(app.url("/503#rc=3&rp=5xx"));

        List<WebhookAttempt> attempts = failedAttempts(caller);
        assertThat(attempts).extracting(WebhookAttempt::attempt).containsExactly(1, 2, 3, 4);
        assertThat(attempts).extracting(WebhookAttempt::idempotencyToken).containsOnly(
                attempts.get(0).idempotencyToken());
        assertThat(app.received("/503")).hasSize(4);
        assertThat(twilio.deliveryFigures().retries()).isEqualTo(3);
    }

    @Test
    void rpRetriesA4xxOncePerDefaultCount() {
        String caller = call(app.url("/404#rp=4xx"));

        assertThat(failedAttempts(caller)).extracting(WebhookAttempt::httpStatus).containsExactly(404, 404);
    }

    @Test
    void rpRetriesAReadTimeout() {
        String caller = call(app.url("/slow#rp=rt&rt=200&rc=2"));

        assertThat(failedAttempts(caller)).extracting(WebhookAttempt::httpStatus).containsExactly(0, 0, 0);
        assertThat(app.received("/slow")).hasSize(3);
    }

    @Test
    void rpAllRetriesEveryFailureUntilTheAnswerComes() {
        AtomicInteger tries = new AtomicInteger();
        app.on("/moody", r -> switch (tries.getAndIncrement()) {
            case 0 -> new Reply(404, "");
            case 1 -> new Reply(503, "");
            case 2 -> Reply.never();
            default -> Reply.twiml(ENQUEUE);
        });

        String caller = call(app.url("/moody#rp=all&rc=3&rt=300"));

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        assertThat(twilio.call(caller).webhooks("incoming", caller)).extracting(WebhookAttempt::httpStatus)
                .containsExactly(404, 503, 0, 200);
    }

    @Test
    void ctBoundsHowLongConnectingMayTake() throws IOException {
        try (Blackhole blackhole = Blackhole.open()) {
            Assumptions.assumeTrue(blackhole.holds(), "the loopback drops no connection attempts here");
            long start = System.nanoTime();

            String caller = call("http://127.0.0.1:" + blackhole.port() + "/incoming#ct=200&rc=2");

            List<WebhookAttempt> attempts = failedAttempts(caller);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(attempts).hasSize(3).allSatisfy(a -> assertThat(a.error())
                    .contains("HttpConnectTimeoutException"));
            assertThat(took).isBetween(Duration.ofMillis(550), Duration.ofMillis(3_000));
        }
    }

    @Test
    void ttEndsEveryAttemptWithinItsTotal() {
        long start = System.nanoTime();

        String caller = call(app.url("/never#rt=400&tt=1000&rc=5&rp=rt"));

        await().pollInterval(Duration.ofMillis(10)).untilAsserted(() -> assertThat(twilio.call(caller).status())
                .isEqualTo("failed"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<WebhookAttempt> attempts = twilio.call(caller).webhooks("incoming", caller);
        assertThat(took).isLessThan(Duration.ofMillis(1_600));
        assertThat(attempts).hasSizeBetween(2, 3);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(attempts.size() - 1).at()))
                .isLessThan(Duration.ofMillis(1_000));
    }

    @Test
    void withoutTtAllAttemptsTogetherEndWithinTwiliosFifteenSeconds() {
        Instant start = Instant.now();

        String caller = call(app.url("/never#rt=6000&rc=5&rp=rt"));

        List<WebhookAttempt> attempts = failedAttempts(caller);
        // Six seconds, six more, and the last cut to the three seconds left; no fourth.
        assertThat(attempts).hasSize(3);
        assertThat(Duration.between(start, attempts.get(2).at())).isBetween(Duration.ofMillis(14_500),
                Duration.ofMillis(16_500));
    }

    // ---- the fragment stays with Twilio -------------------------------------------------------------------------

    @Test
    void theFragmentIsNeitherSentNorSigned() {
        String caller = call(app.url("/ok?tenant=acme#rc=2&rp=5xx&e=ashburn&sni=unique&color=blue"));

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        Received incoming = app.received("/ok").get(0);
        assertThat(incoming.url()).isEqualTo(app.url("/ok?tenant=acme"));
        assertThat(new RequestValidator(TOKEN).validate(app.url("/ok?tenant=acme"), incoming.params(),
                incoming.signature())).isTrue();
        assertThat(twilio.call(caller).webhooks("incoming", caller)).singleElement()
                .satisfies(a -> assertThat(a.url()).isEqualTo(app.url("/ok?tenant=acme")));
    }

    @Test
    void aGetSignsItsQueryWithoutTheFragment() {
        app.on("/park", r -> Reply.twiml("<Response><Enqueue>acme-parked</Enqueue></Response>"));
        String caller = call(app.url("/ok"));
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));

        twilio.updateUrl(caller, app.url("/park?tenant=acme#rt=2000&rc=0"), "GET");

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-parked"));
        Received park = app.received("/park").get(0);
        assertThat(park.method()).isEqualTo("GET");
        assertThat(park.url()).startsWith(app.url("/park?tenant=acme&")).doesNotContain("#").doesNotContain("rt=");
        assertThat(new RequestValidator(TOKEN).validate(park.url(), Map.of(), park.signature())).isTrue();
    }

    // ---- the fallback URL ---------------------------------------------------------------------------------------

    @Test
    void aVoiceUrlThatCannotBeReachedHandsTheCallToTheFallbackUrl() {
        String primary = closedUrl("/incoming?tenant=acme");

        String caller = call(primary + "#ct=1000", app.url("/fallback?tenant=acme#rt=2000"));

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        Received fallback = app.received("/fallback").get(0);
        assertThat(app.received("/fallback")).hasSize(1);
        assertThat(fallback.method()).isEqualTo("POST");
        assertThat(fallback.url()).isEqualTo(app.url("/fallback?tenant=acme"));
        assertThat(fallback.params()).containsEntry("ErrorCode", "11200").containsEntry("ErrorUrl", primary)
                .containsEntry("CallSid", caller).containsEntry("CallStatus", "ringing")
                .containsEntry("From", CALLER).containsEntry("AccountSid", twilio.accountSid());
        assertThat(new RequestValidator(TOKEN).validate(app.url("/fallback?tenant=acme"), fallback.params(),
                fallback.signature())).isTrue();
        assertThat(twilio.call(caller).webhooks()).extracting(WebhookAttempt::kind, WebhookAttempt::httpStatus)
                .containsExactly(tuple("incoming", 0),
                        tuple("incoming", 0),
                        tuple("fallback", 200));
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
        assertThat(twilio.deliveryFigures().fallbacks()).isEqualTo(1);
        assertThat(twilio.deliveryFigures().givenUp()).isEqualTo(1);
    }

    @Test
    void aVoiceUrlAnswering503HandsTheCallToTheFallbackUrlAtOnce() {
        String caller = call(app.url("/503"), app.url("/fallback"));

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        assertThat(app.received("/503")).hasSize(1);
        assertThat(app.received("/fallback")).singleElement().satisfies(r -> assertThat(r.params())
                .containsEntry("ErrorCode", "11200").containsEntry("ErrorUrl", app.url("/503")));
    }

    @Test
    void whenTheFallbackUrlFailsTooTheCallFails() {
        app.on("/fallback", r -> new Reply(500, ""));

        String caller = call(app.url("/503"), app.url("/fallback"));

        assertThat(failedAttempts(caller)).extracting(WebhookAttempt::httpStatus).containsExactly(503);
        assertThat(twilio.call(caller).webhooks("fallback", caller)).extracting(WebhookAttempt::httpStatus)
                .containsExactly(500);
        assertThat(twilio.deliveryFigures().givenUp()).isEqualTo(2);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A caller dials a new number of the account whose voice URL is {@code voiceUrl}. */
    private String call(String voiceUrl) {
        return call(voiceUrl, null);
    }

    private String call(String voiceUrl, String fallbackUrl) {
        String number = String.format("+1500555%04d", numbers.incrementAndGet());
        twilio.addNumber(number, voiceUrl, fallbackUrl, null);
        return twilio.placeCall(CALLER, number);
    }

    /** Waits for the call to fail for want of TwiML; returns its voice URL's attempts. */
    private List<WebhookAttempt> failedAttempts(String caller) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(twilio.call(caller).status())
                .isEqualTo("failed"));
        return twilio.call(caller).webhooks("incoming", caller);
    }

    private static String closedUrl(String pathAndQuery) {
        return "http://localhost:" + FreePort.find() + pathAndQuery;
    }

    /**
     * A port on the loopback whose connection attempts get no answer: a listener that never accepts, its backlog
     * full, so the kernel drops new SYNs and connecting only times out.
     */
    private static final class Blackhole implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> queued = new ArrayList<>();
        private boolean holds;

        private Blackhole() throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        }

        static Blackhole open() throws IOException {
            Blackhole blackhole = new Blackhole();
            for (int i = 0; i < 16 && !blackhole.holds; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), blackhole.port()), 200);
                    blackhole.queued.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    blackhole.holds = true;
                }
            }
            return blackhole;
        }

        int port() {
            return listener.getLocalPort();
        }

        boolean holds() {
            return holds;
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            listener.close();
        }
    }
}
