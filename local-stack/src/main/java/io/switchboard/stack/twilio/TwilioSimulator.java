package io.switchboard.stack.twilio;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.stack.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake of Twilio's cloud, the only fake the project allows: it speaks Twilio's wire format both ways. Callers
 * dial the account's numbers ({@link #placeCall}); the simulator asks the number's voice URL (then its fallback URL,
 * if the voice URL gave none) for TwiML, runs it (queues, dials agents' devices, bridges, conferences, hangs up),
 * sends signed status callbacks and conference events, and takes REST requests as twilio-java sends them: updates of
 * its calls, new outbound calls, conferences and their participants. Tests use it in-process; people use its control
 * API over HTTP ({@code /sim/...}).
 *
 * <p>Recordings: a call's {@code <Record>} records its caller, who speaks until they hang up ({@link #hangup}) or the
 * verb's {@code maxLength} passes; its {@code action} and {@code recordingStatusCallback} are requested as Twilio
 * does, and its media is served, with the REST API's credentials, as a WAV of exactly its duration at
 * {@link RecordingView#url()} ({@code .json}: the Recording resource). Tests see them with {@link #recordings()},
 * {@link #recordings(String)} and {@link #recording(String)}; {@link #storeRecording(String, long)} makes one for a
 * call directly, for tests of code that fetches recordings without running a {@code <Record>} first.
 *
 * <p>The calls live in {@link Exchange}, which has no I/O; this class is the shell around it: the HTTP server, the
 * webhook delivery and the timers.
 */
public final class TwilioSimulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());

    /**
     * Where Twilio sends a number's incoming calls ({@code voiceUrl}), where it asks when that gives no TwiML
     * ({@code fallbackUrl}, or null), and where it reports their end ({@code statusCallbackUrl}, or null). Each URL
     * may carry Twilio's connection overrides in its fragment ({@code #rc=3&rp=ct,5xx}, see {@link WebhookDelivery}).
     */
    public record Number(String voiceUrl, String fallbackUrl, String statusCallbackUrl) {
        /** Without a fallback URL. */
        public Number(String voiceUrl, String statusCallbackUrl) {
            this(voiceUrl, null, statusCallbackUrl);
        }
    }

    /**
     * Webhooks are delivered by Twilio's rules (see {@link WebhookDelivery}): one retry, at once, of a connection that
     * could not be made, all attempts within 15 s, unless a URL's fragment overrides it; {@link Faults} can be kinder.
     *
     * @param port             0 for any free port
     * @param numbers          the account's phone numbers (E.164) and their webhooks
     * @param answerDelay      how long an agent's device rings before an {@code auto} device answers
     * @param apiKeySid        an API key ({@code SK…}) accepted besides the account's own credentials, or null
     * @param faults           how webhooks are delivered twice or out of order, and retried more than Twilio does
     *                         ({@link Faults#NONE}: never)
     * @param apiLatency       how long the REST API takes to answer each request, as a network round trip
     *                         ({@link #apiLatency(Duration)} changes it while the simulator runs)
     */
    public record Config(int port, String accountSid, String authToken, Map<String, Number> numbers,
            Duration answerDelay, String apiKeySid, String apiKeySecret, Faults faults, Duration apiLatency) {
        public static final String DEFAULT_ACCOUNT_SID = "AC00000000000000000000000000000000";
        public static final String DEFAULT_AUTH_TOKEN = "local-stack-auth-token";
        /**
         * The system property that sets {@link #defaults()}' REST latency ({@code 200ms}; unset: 0), so that one
         * {@code -Dtwilio.simulator.latency=200ms} gives every simulator of a test run (the services' tests, the
         * end-to-end and fault suites, which all start from the defaults) Twilio's real round trip. Not under
         * {@code switchboard.}: the services' configuration owns that prefix, and a service under {@code @QuarkusTest}
         * (in the test's JVM, seeing its system properties) refuses to start with a property there it does not know.
         */
        public static final String LATENCY_PROPERTY = "twilio.simulator.latency";

        public Config {
            numbers = Map.copyOf(numbers);
            if (apiLatency.isNegative()) {
                throw new IllegalArgumentException("The REST API's latency cannot be negative: " + apiLatency);
            }
        }

        /**
         * Webhooks retried as Twilio retries them, no faults, and a REST API that answers at once unless
         * {@link #LATENCY_PROPERTY} says otherwise.
         *
         * @throws IllegalArgumentException when {@link #LATENCY_PROPERTY} is not a duration
         */
        public static Config defaults() {
            return new Config(0, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Map.of(), Duration.ofMillis(50), null, null,
                    Faults.NONE, latencyFromProperty());
        }

        private static Duration latencyFromProperty() {
            String value = System.getProperty(LATENCY_PROPERTY);
            if (value == null || value.isBlank()) {
                return Duration.ZERO;
            }
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + LATENCY_PROPERTY + ": " + e.getMessage(), e);
            }
        }

        public Config withPort(int port) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        public Config withAccount(String accountSid, String authToken) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        /** A number without a voice fallback URL. */
        public Config withNumber(String number, String voiceUrl, String statusCallbackUrl) {
            return withNumber(number, voiceUrl, null, statusCallbackUrl);
        }

        public Config withNumber(String number, String voiceUrl, String fallbackUrl, String statusCallbackUrl) {
            return withNumber(number, new Number(voiceUrl, fallbackUrl, statusCallbackUrl));
        }

        public Config withNumber(String number, Number webhooks) {
            Map<String, Number> more = new LinkedHashMap<>(numbers);
            more.put(number, webhooks);
            return new Config(port, accountSid, authToken, more, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        public Config withAnswerDelay(Duration answerDelay) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        public Config withApiKey(String apiKeySid, String apiKeySecret) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        public Config withFaults(Faults faults) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        /** Real Twilio answers REST in roughly 100–300 ms; zero answers at once. */
        public Config withApiLatency(Duration apiLatency) {
            return new Config(port, accountSid, authToken, numbers, answerDelay, apiKeySid, apiKeySecret, faults,
                    apiLatency);
        }

        /** Without the auth token and the API key secret: configurations get logged. */
        @Override
        public String toString() {
            return "Config[port=" + port + ", accountSid=" + accountSid + ", numbers=" + numbers + ", answerDelay="
                    + answerDelay + ", apiKeySid=" + apiKeySid + ", faults=" + faults + ", apiLatency=" + apiLatency
                    + "]";
        }
    }

    /**
     * Sees every webhook as it leaves and as its answer arrives, on the simulator's own threads: keep it quick. The
     * benchmark starts its clocks here, so a measured latency begins when the signed request is sent, as Twilio's
     * would be.
     */
    public interface WebhookObserver {
        /** Just before the request is handed to the HTTP client. */
        void sending(Webhook webhook, int attempt);

        /** The application answered ({@code status}), or did not ({@code status} 0). */
        void answered(Webhook webhook, int attempt, int status);
    }

    private static final WebhookObserver NO_OBSERVER = new WebhookObserver() {
        @Override
        public void sending(Webhook webhook, int attempt) {
        }

        @Override
        public void answered(Webhook webhook, int attempt, int status) {
        }
    };

    private final Config config;
    private volatile WebhookObserver observer = NO_OBSERVER;
    private final Clock clock = Clock.systemUTC();
    private final Exchange exchange;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final WebhookDelivery delivery;
    private final HttpServer server;
    private volatile Duration apiLatency;
    private volatile boolean apiDown;

    static {
        // The JDK's HttpServer leaves Nagle's algorithm on unless told otherwise; with a client that writes headers
        // and body separately (twilio-java's Apache client does) every REST call then waits ~40 ms for a delayed ACK.
        // Twilio answers in milliseconds, and so must its simulator, or every measured claim is 50 ms too slow.
        // Read once, when the first HttpServer of the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private TwilioSimulator(Config config) throws IOException {
        this.config = config;
        this.apiLatency = config.apiLatency();
        this.exchange = new Exchange(config.accountSid(), config.numbers(), config.answerDelay(), clock,
                () -> newSid("CA"));
        this.workers = Executors.newCachedThreadPool(daemonThreads("twilio-sim"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("twilio-sim-timer"));
        this.delivery = new WebhookDelivery(config.authToken(), config.faults(), this::recordAttempt, workers, clock,
                () -> observer);
        this.server = HttpServer.create(new InetSocketAddress(config.port()), 64);
        server.createContext("/", new SimulatorHttp(this));
        server.setExecutor(workers);
        server.start();
        synchronized (exchange) {
            exchange.baseUrl(baseUrl());
        }
    }

    public static TwilioSimulator start(Config config) {
        try {
            TwilioSimulator simulator = new TwilioSimulator(config);
            LOG.log(System.Logger.Level.INFO, "Twilio simulator on {0} ({1})", simulator.baseUrl(), config);
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("The Twilio simulator could not listen on port " + config.port()
                    + " (in use?)", e);
        }
    }

    /** {@code http://localhost:PORT}: Twilio's REST API base URL and the control API's. */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String accountSid() {
        return config.accountSid();
    }

    /** The token webhooks are signed with, and the REST API's password. */
    public String authToken() {
        return config.authToken();
    }

    public Config config() {
        return config;
    }

    // ---- the control API ----------------------------------------------------------------------------------------

    /** Replaces the observer of webhooks ({@code null}: none). */
    public void observeWebhooks(WebhookObserver observer) {
        this.observer = observer == null ? NO_OBSERVER : observer;
    }

    /** Another number of the account, routed to {@code voiceUrl}; its calls' end goes to {@code statusCallbackUrl}. */
    public void addNumber(String number, String voiceUrl, String statusCallbackUrl) {
        addNumber(number, voiceUrl, null, statusCallbackUrl);
    }

    /** Another number, whose calls go to {@code fallbackUrl} (or nowhere, when null) if {@code voiceUrl} fails. */
    public void addNumber(String number, String voiceUrl, String fallbackUrl, String statusCallbackUrl) {
        addNumber(number, new Number(voiceUrl, fallbackUrl, statusCallbackUrl));
    }

    public void addNumber(String number, Number webhooks) {
        synchronized (exchange) {
            exchange.addNumber(number, webhooks);
        }
    }

    /** A caller at {@code from} dials {@code to}, one of the simulator's numbers. Returns the call's sid. */
    public String placeCall(String from, String to) {
        String sid = newSid("CA");
        synchronized (exchange) {
            carryOut(exchange.placeCall(sid, from, to));
        }
        return sid;
    }

    /** The caller hangs up; for an agent leg's sid, the agent does. Nothing happens to a call that is over. */
    public void hangup(String callSid) {
        synchronized (exchange) {
            carryOut(exchange.hangUp(callSid));
        }
    }

    /** @throws java.util.NoSuchElementException for a sid the simulator never made */
    public CallView call(String callSid) {
        synchronized (exchange) {
            return exchange.view(callSid);
        }
    }

    public List<CallView> calls() {
        synchronized (exchange) {
            return exchange.views();
        }
    }

    /**
     * The conference named {@code friendlyName}: the active one, else the latest that had the name.
     *
     * @throws java.util.NoSuchElementException when no conference ever had it
     */
    public ConferenceView conference(String friendlyName) {
        synchronized (exchange) {
            ConferenceView conference = exchange.conferenceNamed(friendlyName);
            if (conference == null) {
                throw new java.util.NoSuchElementException("The simulator has no conference named " + friendlyName);
            }
            return conference;
        }
    }

    /** Every conference, oldest first. */
    public List<ConferenceView> conferences() {
        synchronized (exchange) {
            return exchange.conferences();
        }
    }

    /**
     * Every recording, oldest first: those the calls' {@code <Record>} made (from the moment each began) and those
     * {@link #storeRecording} made.
     */
    public List<RecordingView> recordings() {
        synchronized (exchange) {
            return exchange.recordings();
        }
    }

    /** The recordings of one call, oldest first. */
    public List<RecordingView> recordings(String callSid) {
        return recordings().stream().filter(r -> r.callSid().equals(callSid)).toList();
    }

    /** @throws java.util.NoSuchElementException for a SID no recording had (or one deleted over REST) */
    public RecordingView recording(String recordingSid) {
        synchronized (exchange) {
            return exchange.recording(recordingSid);
        }
    }

    /**
     * Stores a completed recording of {@code seconds} for the call, as if its {@code <Record>} had ended and been
     * processed, without any webhook: for tests of code that fetches recordings (its {@link RecordingView#url()},
     * with the account's credentials, serves a WAV of exactly that length).
     *
     * @throws java.util.NoSuchElementException for a call the simulator never made
     * @throws IllegalArgumentException         for less than a second
     */
    public RecordingView storeRecording(String callSid, long seconds) {
        synchronized (exchange) {
            return exchange.storeRecording(callSid, seconds);
        }
    }

    /**
     * How the device of {@code identity} (a {@code <Client>} identity or a number) reacts when a call rings it: a
     * {@code <Dial>} leg, or a call placed over REST ({@code Calls.json}, a conference participant).
     */
    public void answerMode(String identity, AnswerMode mode) {
        synchronized (exchange) {
            exchange.answerMode(identity, mode);
        }
    }

    public AnswerMode answerMode(String identity) {
        synchronized (exchange) {
            return exchange.answerMode(identity);
        }
    }

    /**
     * From now on the REST API takes {@code latency} to answer each request (zero: at once), instead of
     * {@link Config#apiLatency()}: a slower day at Twilio, or the next phase of a benchmark. Requests already in
     * flight keep the latency they started with.
     */
    public void apiLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("The REST API's latency cannot be negative: " + latency);
        }
        this.apiLatency = latency;
    }

    /** What the REST API takes to answer a request now. */
    public Duration apiLatency() {
        return apiLatency;
    }

    /**
     * Takes the REST API down (every request answered 503 Service Unavailable, nothing done) or brings it back;
     * webhooks keep coming, as in a Twilio API incident.
     */
    public void apiDown(boolean down) {
        this.apiDown = down;
    }

    /** Whether the REST API is down now. */
    public boolean apiDown() {
        return apiDown;
    }

    /**
     * The status callbacks of {@code callSid} and its legs never arrive from now on, as if Twilio had given up on each
     * (its 15 seconds passed while the application was unreachable): the application learns the call's end only by
     * asking for its record ({@code GET Calls/{Sid}.json}), which stays true. So do the events of the conferences its
     * TwiML opens, and the progress of the calls Twilio places to add participants to them.
     */
    public void loseStatusCallbacks(String callSid) {
        delivery.loseStatusCallbacks(callSid);
    }

    /**
     * What webhook delivery came to so far: acknowledged, retried, delivered twice, out of order, given up, sent to a
     * fallback URL, lost on purpose.
     */
    public Faults.Figures deliveryFigures() {
        return delivery.figures();
    }

    // ---- the REST API (SimulatorHttp) ---------------------------------------------------------------------------

    CallView updateTwiml(String callSid, String twiml) throws Twiml.TwimlException {
        synchronized (exchange) {
            carryOut(exchange.updateTwiml(callSid, twiml));
            return exchange.view(callSid);
        }
    }

    CallView updateUrl(String callSid, String url, String method) {
        synchronized (exchange) {
            carryOut(exchange.updateUrl(callSid, url, method));
            return exchange.view(callSid);
        }
    }

    CallView updateStatus(String callSid, String status) {
        synchronized (exchange) {
            carryOut(exchange.updateStatus(callSid, status));
            return exchange.view(callSid);
        }
    }

    Instant updated(String callSid) {
        synchronized (exchange) {
            return exchange.updated(callSid);
        }
    }

    /** {@code POST Calls.json}: the new call, queued. */
    CallView placeOutboundCall(Exchange.OutboundCall call) {
        String sid = newSid("CA");
        synchronized (exchange) {
            carryOut(exchange.placeOutboundCall(sid, call));
            return exchange.view(sid);
        }
    }

    /** {@code POST Conferences/{Sid or FriendlyName}/Participants.json}: the new participant, queued. */
    ParticipantView addParticipant(String conference, Exchange.ParticipantRequest request) {
        String sid = newSid("CA");
        synchronized (exchange) {
            carryOut(exchange.addParticipant(sid, conference, request));
            return exchange.participantOfCall(sid);
        }
    }

    ParticipantView participant(String conferenceSid, String callSidOrLabel) {
        synchronized (exchange) {
            return exchange.participant(conferenceSid, callSidOrLabel);
        }
    }

    ParticipantView updateParticipant(String conferenceSid, String callSidOrLabel, Exchange.ParticipantUpdate update) {
        synchronized (exchange) {
            String callSid = exchange.participant(conferenceSid, callSidOrLabel).callSid();
            carryOut(exchange.updateParticipant(conferenceSid, callSidOrLabel, update));
            return exchange.participantOfCall(callSid);
        }
    }

    void removeParticipant(String conferenceSid, String callSidOrLabel) {
        synchronized (exchange) {
            carryOut(exchange.removeParticipant(conferenceSid, callSidOrLabel));
        }
    }

    /** {@code DELETE Recordings/{Sid}.json}. @throws Exchange.NoSuchRecording when there is none */
    void deleteRecording(String recordingSid) {
        synchronized (exchange) {
            exchange.deleteRecording(recordingSid);
        }
    }

    /** @throws Exchange.NoSuchConference for a SID no conference had */
    ConferenceView conferenceBySid(String conferenceSid) {
        synchronized (exchange) {
            return exchange.conference(conferenceSid);
        }
    }

    ConferenceView updateConference(String conferenceSid, String status, String announceUrl, String announceMethod) {
        synchronized (exchange) {
            carryOut(exchange.updateConference(conferenceSid, status, announceUrl, announceMethod));
            return exchange.conference(conferenceSid);
        }
    }

    // ---- the shell ----------------------------------------------------------------------------------------------

    /** Runs under the exchange's lock, so effects are queued in the order the exchange decided them. */
    private void carryOut(List<Exchange.Effect> effects) {
        for (Exchange.Effect effect : effects) {
            if (effect instanceof Exchange.Send send) {
                var answer = delivery.send(send.conversation(), send.webhook());
                if (send.fetchesTwiml()) {
                    answer.thenAcceptAsync(outcome -> guarded(() -> twimlAnswered(send, outcome)), workers);
                }
            } else if (effect instanceof Exchange.Schedule schedule) {
                timers.schedule(() -> guarded(() -> {
                    synchronized (exchange) {
                        carryOut(exchange.fire(schedule.timer()));
                    }
                }), schedule.after().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void twimlAnswered(Exchange.Send fetch, WebhookDelivery.Outcome outcome) {
        String sid = fetch.webhook().callSid();
        synchronized (exchange) {
            carryOut(outcome.delivered()
                    ? exchange.twimlArrived(sid, fetch.generation(), fetch.webhook().url(), outcome.body())
                    : exchange.twimlUnavailable(sid, fetch.generation(), fetch.webhook()));
        }
    }

    private void recordAttempt(WebhookAttempt attempt) {
        synchronized (exchange) {
            exchange.record(attempt);
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Twilio simulator failed: " + e, e);
        }
    }

    static String newSid(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        timers.shutdownNow();
        workers.shutdownNow();
    }
}
