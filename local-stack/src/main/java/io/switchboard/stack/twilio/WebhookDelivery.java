package io.switchboard.stack.twilio;

import io.switchboard.stack.twilio.ConnectionOverrides.Failure;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Sends webhooks as Twilio does: form-encoded, signed ({@code X-Twilio-Signature}), with an idempotency token
 * that stays the same on retries. Webhooks of one conversation leave one after the other, in the order they were
 * queued.
 *
 * <p>Each webhook is retried by Twilio's rules ({@link ConnectionOverrides}, read from the URL's fragment, which is
 * never sent nor signed): by default once, at once, and only when the connection could not be made; a 4xx, a 5xx or
 * an answer that does not come in time is final unless the fragment's {@code rp} names it. All attempts of a webhook
 * end within its {@code tt} (15 s at most). Twilio documents no pause between retries, so there is none: a simulator
 * must not be kinder than Twilio, or an application tested against it relies on retries it will not get.
 *
 * <p>With {@link Faults} a status callback may leave the line and arrive after later ones, an acknowledged webhook
 * may be delivered once more, and {@link Faults#generousRetries()} replaces Twilio's rules with many retries spread
 * over time.
 */
final class WebhookDelivery {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());
    private static final int KEPT_RESPONSE_CHARS = 2_000;
    /**
     * {@link Faults#generousRetries()} keep coming at this pace at the latest, so many of them outlive a restarting
     * application.
     */
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
    /** Less than this left of {@code tt}, and no retry could get an answer: none is made. */
    private static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(10);
    /** What Twilio may deliver twice: notifications and fetches (a second fetch's TwiML is not used). */
    private static final Set<String> DUPLICABLE = Set.of("status", "conference", "incoming", "outbound",
            "dial-action", "recording");
    /** Status callbacks: a call's progress, and a conference's events. */
    private static final Set<String> STATUS_CALLBACKS = Set.of("status", "conference");

    /**
     * The application's last answer: {@code status} 0 when it never answered. {@code failure} is what a retry
     * policy calls the lack of a 2xx; null when delivered, or when no policy names it (1xx, 3xx, a URL that is not
     * one).
     */
    record Outcome(int status, String body, Failure failure) {
        boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private final String authToken;
    private final Consumer<WebhookAttempt> onAttempt;
    private final Executor executor;
    private final Clock clock;
    /** Read at every attempt: the simulator's observer can be replaced while webhooks are under way. */
    private final Supplier<TwilioSimulator.WebhookObserver> observer;
    /** One client per connect timeout ({@code ct}): the JDK's client sets it for all its requests. */
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    /** Per fragment, so that a fragment's bad value is warned about once, not at every webhook. */
    private final Map<String, ConnectionOverrides> overrides = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<?>> conversations = new HashMap<>();
    private final Faults faults;
    private final Random dice;
    /** Per conversation: how many webhooks were queued, and the highest position acknowledged so far. */
    private final Map<String, int[]> positions = new HashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    /** Conversations whose status callbacks are lost from now on ({@link #loseStatusCallbacks}). */
    private final Set<String> lostConversations = ConcurrentHashMap.newKeySet();

    WebhookDelivery(String authToken, Faults faults, Consumer<WebhookAttempt> onAttempt, Executor executor,
            Clock clock, Supplier<TwilioSimulator.WebhookObserver> observer) {
        this.faults = faults;
        this.dice = new Random(faults.seed());
        this.authToken = authToken;
        this.onAttempt = onAttempt;
        this.executor = executor;
        this.clock = clock;
        this.observer = observer;
    }

    /**
     * Queues {@code webhook} behind the conversation's earlier ones (unless the faults hold a status callback back);
     * completes with the application's answer.
     */
    synchronized CompletableFuture<Outcome> send(String conversation, Webhook webhook) {
        if (STATUS_CALLBACKS.contains(webhook.kind()) && lostConversations.contains(conversation)) {
            lost.incrementAndGet();
            return CompletableFuture.completedFuture(new Outcome(0, "Lost: Twilio gave up on it", Failure.CONNECT));
        }
        String token = UUID.randomUUID().toString();
        if ("fallback".equals(webhook.kind())) {
            fallbacks.incrementAndGet();
        }
        int position = positions.computeIfAbsent(conversation, c -> new int[] {0, -1})[0]++;
        CompletableFuture<Outcome> delivery;
        if (STATUS_CALLBACKS.contains(webhook.kind()) && roll(faults.reorderRate())) {
            // Held back outside the line: the conversation's later webhooks may overtake it.
            delivery = CompletableFuture.runAsync(() -> { }, later(pause()))
                    .thenCompose(ignored -> deliver(webhook, token));
        } else {
            CompletableFuture<?> previous = conversations.getOrDefault(conversation,
                    CompletableFuture.completedFuture(null));
            // Async, so that a delivery never runs (or fails) on the thread that decided it, inside the caller's lock.
            CompletableFuture<Outcome> inLine = previous.handleAsync((ignored, failure) -> null, executor)
                    .thenCompose(ignored -> deliver(webhook, token));
            conversations.put(conversation, inLine);
            inLine.whenComplete((outcome, failure) -> forget(conversation, inLine));
            delivery = inLine;
        }
        long twice = DUPLICABLE.contains(webhook.kind()) && roll(faults.duplicateRate()) ? pause() : -1;
        return delivery.thenApply(outcome -> {
            answered(conversation, position, outcome);
            if (twice >= 0 && outcome.delivered()) {
                deliverAgain(webhook, token, twice);
            }
            return outcome;
        });
    }

    /**
     * From now on the status callbacks of {@code conversation} (a caller's call, its legs, the conferences it opened
     * and the calls placed to join them: their progress and the conferences' events) never arrive, as if
     * Twilio had given up on every one of them: only asking Twilio for its record of the call tells it is over.
     */
    void loseStatusCallbacks(String conversation) {
        lostConversations.add(conversation);
    }

    /** What the deliveries came to so far. */
    Faults.Figures figures() {
        return new Faults.Figures(acknowledged.get(), retried.get(), duplicated.get(), reordered.get(), givenUp.get(),
                fallbacks.get(), lost.get());
    }

    private synchronized void answered(String conversation, int position, Outcome outcome) {
        if (!outcome.delivered()) {
            givenUp.incrementAndGet();
            return;
        }
        acknowledged.incrementAndGet();
        int[] seen = positions.get(conversation);
        if (position < seen[1]) {
            reordered.incrementAndGet(); // a later webhook of this call was acknowledged before this one
        }
        seen[1] = Math.max(seen[1], position);
    }

    /** The same webhook once more, as Twilio now and then sends it: same parameters, same idempotency token. */
    private void deliverAgain(Webhook webhook, String token, long pauseMillis) {
        ConnectionOverrides policy = overrides(webhook.url());
        CompletableFuture.runAsync(() -> { }, later(pauseMillis))
                .thenCompose(ignored -> exchange(policy, request(webhook, token, policy.readTimeout())))
                .thenAccept(outcome -> {
                    recordAttempt(webhook, token, 1, outcome);
                    if (outcome.delivered()) {
                        duplicated.incrementAndGet();
                    }
                });
    }

    private synchronized boolean roll(double rate) {
        return rate > 0 && dice.nextDouble() < rate;
    }

    /** A pause within the reorder window, in milliseconds. */
    private synchronized long pause() {
        long window = faults.reorderWindow().toMillis();
        return window <= 0 ? 0 : dice.nextLong(window + 1);
    }

    private Executor later(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, executor);
    }

    private synchronized void forget(String conversation, CompletableFuture<?> delivery) {
        conversations.remove(conversation, delivery);
    }

    /** Every attempt of one webhook; completes with the last one's outcome. */
    private CompletableFuture<Outcome> deliver(Webhook webhook, String token) {
        ConnectionOverrides policy = overrides(webhook.url());
        return attempt(webhook, token, policy, 1, System.nanoTime() + policy.totalTime().toNanos());
    }

    /** @param deadline when {@code tt} runs out, in {@link System#nanoTime()}'s terms */
    private CompletableFuture<Outcome> attempt(Webhook webhook, String token, ConnectionOverrides policy, int attempt,
            long deadline) {
        Faults.GenerousRetries generous = faults.generousRetries();
        // The JDK's request timeout stands in for rt, Twilio's wait for an answer once the request is sent: it runs
        // from the start of the request, connecting included, so an attempt never waits longer than Twilio's would.
        Duration wait = generous != null ? policy.readTimeout()
                : shorter(policy.readTimeout(), Duration.ofNanos(deadline - System.nanoTime()));
        CompletableFuture<Outcome> answer;
        try {
            HttpRequest request = request(webhook, token, wait);
            observer.get().sending(webhook, attempt);
            answer = exchange(policy, request);
        } catch (IllegalArgumentException e) {
            // A URL that is not a URL: no retry makes it better.
            answer = CompletableFuture.completedFuture(new Outcome(0, "Bad URL: " + e.getMessage(), null));
        }
        return answer.thenCompose(outcome -> {
            recordAttempt(webhook, token, attempt, outcome);
            if (outcome.delivered() || outcome.status() == 0 && outcome.failure() == null) {
                return CompletableFuture.completedFuture(outcome);
            }
            if (generous != null) {
                if (attempt > generous.count()) {
                    return CompletableFuture.completedFuture(outcome);
                }
                retried.incrementAndGet();
                long pause = Math.min(LONGEST_PAUSE.toMillis(),
                        generous.firstPause().toMillis() << Math.min(attempt - 1, 20));
                return CompletableFuture.runAsync(() -> { }, later(pause))
                        .thenCompose(ignored -> attempt(webhook, token, policy, attempt + 1, deadline));
            }
            boolean timeLeft = deadline - System.nanoTime() >= SHORTEST_ATTEMPT.toNanos();
            if (!policy.retries(outcome.failure()) || attempt > policy.retryCount() || !timeLeft) {
                return CompletableFuture.completedFuture(outcome);
            }
            retried.incrementAndGet();
            return CompletableFuture.runAsync(() -> { }, executor)
                    .thenCompose(ignored -> attempt(webhook, token, policy, attempt + 1, deadline));
        });
    }

    /** Sends {@code request} with {@code policy}'s connect timeout; never fails: a failure is an outcome. */
    private CompletableFuture<Outcome> exchange(ConnectionOverrides policy, HttpRequest request) {
        return client(policy.connectTimeout()).sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> failure == null
                        ? new Outcome(response.statusCode(), response.body(), Failure.ofStatus(response.statusCode()))
                        : new Outcome(0, reason(failure), failureOf(failure)));
    }

    private HttpClient client(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(executor)
                .build());
    }

    private ConnectionOverrides overrides(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? ConnectionOverrides.DEFAULTS
                : overrides.computeIfAbsent(url.substring(hash + 1), ConnectionOverrides::parse);
    }

    private static Duration shorter(Duration one, Duration other) {
        return one.compareTo(other) <= 0 ? one : other;
    }

    private HttpRequest request(Webhook webhook, String token, Duration timeout) {
        String url = ConnectionOverrides.withoutFragment(webhook.url());
        Map<String, String> signedParams = webhook.params();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString(form(webhook.params()));
        if ("GET".equals(webhook.method())) {
            // For GET Twilio puts the parameters in the query string, and signs the resulting URL alone.
            url = url + (url.contains("?") ? "&" : "?") + form(webhook.params());
            signedParams = Map.of();
            body = HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("X-Twilio-Signature", TwilioSignature.sign(authToken, url, signedParams))
                .header("I-Twilio-Idempotency-Token", token)
                .header("User-Agent", "TwilioProxy/1.1")
                .header("Accept", "*/*");
        if ("GET".equals(webhook.method())) {
            return request.GET().build();
        }
        return request.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .method(webhook.method(), body)
                .build();
    }

    private void recordAttempt(Webhook webhook, String token, int attempt, Outcome outcome) {
        String url = ConnectionOverrides.withoutFragment(webhook.url());
        observer.get().answered(webhook, attempt, outcome.status());
        String error = outcome.status() == 0 ? outcome.body() : null;
        String response = outcome.status() == 0 || outcome.body() == null ? null
                : outcome.body().substring(0, Math.min(KEPT_RESPONSE_CHARS, outcome.body().length()));
        LOG.log(outcome.delivered() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "webhook {0} {1} {2} → {3} {4}: {5} (attempt {6})", webhook.kind(), webhook.callSid(),
                webhook.params().getOrDefault("CallStatus", ""), webhook.method(), url,
                outcome.status() == 0 ? error : Integer.toString(outcome.status()), attempt);
        onAttempt.accept(new WebhookAttempt(webhook.kind(), webhook.callSid(), webhook.method(), url,
                webhook.params(), token, attempt, outcome.status(), error, response, clock.instant()));
    }

    /**
     * A connection that could not be made is {@code ct}; any other failure came after it was made, so it is
     * {@code rt}: a timeout, or a connection that broke before the answer came (an application killed mid-request).
     */
    private static Failure failureOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException || cause instanceof UnresolvedAddressException) {
                return Failure.CONNECT;
            }
            if (cause instanceof HttpTimeoutException) {
                return Failure.READ;
            }
        }
        return Failure.READ;
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue() == null ? "" : e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
