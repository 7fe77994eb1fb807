package io.switchboard.faults;

import static io.switchboard.faults.FaultSuite.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.contract.ClientIdentity;
import io.switchboard.contract.Json;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.Topics;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.GatewayReplica;
import io.switchboard.stack.Stack;
import io.switchboard.stack.WireContract;
import io.switchboard.stack.twilio.CallView;
import io.switchboard.stack.twilio.ConferenceView;
import io.switchboard.stack.twilio.Faults;
import io.switchboard.stack.twilio.ParticipantView;
import io.switchboard.stack.twilio.RecordingView;
import io.switchboard.stack.twilio.WebhookAttempt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's promise, checked under fire: heavy call traffic through the Twilio simulator (which retries as Twilio does,
 * duplicates and reorders its webhooks, and gives up on some calls' final callbacks) while call-ingest, call-state,
 * both gateways are killed ({@code kill -9}) and started again at random moments, and the Kafka broker and PostgreSQL
 * stay away for 20–60 s. One tenant's callers wait at most a few seconds, and some of them are left ringing, so they
 * reach the limit and leave a voicemail (or hang up at the beep). Afterwards every call ended as Twilio says, no call
 * had two winners, no agent is busy without a call, every screen shows what the database holds (its open voicemails
 * too), every webhook Twilio saw acknowledged was applied, and every message Twilio recorded is one voicemail.
 *
 * <p>A failure names each call (or screen, or webhook) that differs and how; the stack's data and logs stay in
 * {@code faults/target/stack}, the figures in {@code faults/target/fault-report.json}. Twilio answers REST at once
 * unless {@code -Dtwilio.simulator.latency=200ms} holds every answer back as real Twilio's round trip does.
 */
class CallCenterUnderFaultsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // C1 alone and the serial collector: the services start in less CPU time, which a 2-core machine running six JVMs
    // (and other people's builds) needs more than peak throughput, after every restart.
    private static final List<String> SERVICE_JVM_ARGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private record Tenant(String id, String number, List<String> agents) {
    }

    private record Placed(String callSid, Tenant tenant) {
    }

    private Stack stack;
    private GatewayReplica secondGateway;
    /** Calls Twilio failed because neither their Voice URL nor its fallback answered (call-ingest was down). */
    private final List<String> refusedAtTheEdge = new ArrayList<>();
    /** Calls whose agent leg's end overtook its answer: a case docs/reliability.md does not claim. */
    private final List<String> endsOvertakingAnswers = new ArrayList<>();
    /**
     * Calls call-state sent to the voicemail whose caller hung up before the update reached Twilio (Twilio refused it:
     * the call was over): the history says {@code voicemail} of a caller who hung up waiting. Counted, not hidden.
     */
    private final List<String> overflowsOvertakenByTheCallersEnd = new ArrayList<>();
    /**
     * Messages Twilio recorded whose recordingStatusCallback it gave up on, every attempt failing (call-ingest, the
     * suite's one replica, was restarting): Twilio keeps the recording, no screen shows it. Counted, not hidden.
     */
    private final List<String> messagesTwilioCouldNotReport = new ArrayList<>();
    private Map<String, String> tokens;
    private final List<Screen> screens = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        screens.forEach(Screen::close);
        if (secondGateway != null) {
            secondGateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    // One line per webhook (and per failed attempt) is the simulator's log for people; thousands of them would bury
    // this suite's own and clog the test JVM's channel to Maven. The figures count them instead. Held in a field: the
    // JDK keeps loggers only weakly, and a collected one forgets its level.
    private static final java.util.logging.Logger SIMULATOR_LOG = java.util.logging.Logger.getLogger(
            "io.switchboard.stack.twilio.TwilioSimulator");

    static {
        SIMULATOR_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @Test
    void everyCallEndsAsTwilioSaysWhileServicesKafkaAndPostgresAreKilled() throws Exception {
        Instant began = Instant.now();
        List<Tenant> tenants = new ArrayList<>();
        for (int t = 1; t <= TENANTS; t++) {
            List<String> agents = new ArrayList<>();
            for (int a = 1; a <= AGENTS_PER_TENANT; a++) {
                agents.add("t" + t + "a" + a); // unique across tenants: the simulator's devices are named by agent
            }
            tenants.add(new Tenant("t" + t, String.format("+1500555%04d", 100 + t), agents));
        }
        startTheCallCenter(tenants);
        tokens = tokens(tenants);
        List<String> gateways = List.of(stack.baseUrl(Stack.Service.PRESENCE_GATEWAY), secondGateway.baseUrl());
        int home = 0;
        for (Tenant tenant : tenants) {
            for (String agent : tenant.agents()) {
                Screen screen = new Screen(tenant.id(), agent, gateways, home++ % 2, () -> tokens.get(agent));
                screen.connect();
                screens.add(screen);
            }
        }
        await("every screen has its snapshot", Duration.ofSeconds(60), () -> screens.stream().allMatch(s -> s.seq() >= 0));

        // ---- traffic and faults --------------------------------------------------------------------------------
        ConcurrentLinkedQueue<Agent.Win> wins = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Agent.Take> takes = new ConcurrentLinkedQueue<>();
        AtomicLong unanswered = new AtomicLong();
        List<Agent> agents = new ArrayList<>();
        List<Thread> agentThreads = new ArrayList<>();
        for (int i = 0; i < screens.size(); i++) {
            Agent agent = new Agent(screens.get(i), stack.simulator(), SEED * 1_000 + i, wins, unanswered,
                    takes);
            agents.add(agent);
            Thread thread = new Thread(agent, "agent-" + screens.get(i).agentId);
            thread.setDaemon(true);
            thread.start();
            agentThreads.add(thread);
        }
        FaultScheduler faults = new FaultScheduler(stack, secondGateway, SEED, FAULT_EVERY, OUTAGE_MIN, OUTAGE_MAX);
        Thread faultThread = new Thread(faults, "fault-scheduler");
        faultThread.setDaemon(true);
        faultThread.start();

        List<Placed> placed = placeCalls(tenants, faults);

        faults.stop();
        faultThread.join();
        System.out.println("traffic: " + placed.size() + " calls placed in "
                + Duration.between(began, Instant.now()).toSeconds() + " s since start; faults stopped");
        Thread.sleep(5_000); // the agents finish what they were doing with everything up
        agents.forEach(Agent::stopWorking);
        for (Thread thread : agentThreads) {
            thread.join(20_000);
        }

        // ---- quiescence: every caller hangs up, Twilio's retries drain, screens catch up ---------------------------
        for (Placed call : placed) {
            stack.simulator().hangup(call.callSid());
        }
        // The calls agents placed: their numbers and phones hang up.
        stack.simulator().conferences().stream().filter(c -> OutboundCall.is(c.friendlyName()) && !c.ended())
                .flatMap(c -> c.participants().stream()).filter(ParticipantView::active)
                .forEach(p -> stack.simulator().hangup(p.callSid()));
        await("every call has left active_calls", Duration.ofSeconds(120),
                () -> count("SELECT count(*) FROM active_calls") == 0);
        awaitQuiet("the simulator's webhooks drained", () -> stack.simulator().deliveryFigures().toString());
        await("the outbox is published", Duration.ofSeconds(60), () -> count("SELECT count(*) FROM outbox") == 0);
        // An action a killed call-state left is taken over once its lease passes: none may stay undone.
        await("every Twilio action is settled", Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM twilio_actions") == 0);
        // Presence settles: connections of killed gateways expire (presence TTL), offline graces pass.
        awaitQuiet("the tenants' seq stopped moving", () -> String.valueOf(count("SELECT sum(seq) FROM tenants")));
        await("every screen is at its tenant's seq", Duration.ofSeconds(60), () -> screens.stream()
                .allMatch(s -> s.seq() == tenantSeq(s.tenant)));

        // ---- the verdict ----------------------------------------------------------------------------------------
        Map<String, List<String>> mismatches = new LinkedHashMap<>();
        List<JsonNode> stateChanges = stateChanges();
        Map<String, List<JsonNode>> changes = callChanges(stateChanges);
        mismatches.put("calls", callsEndAsTwilioSays(placed, changes));
        mismatches.put("placedCalls", placedCallsEndAsTwilioSays(changes));
        mismatches.put("agents", noAgentIsBusyWithoutACall());
        mismatches.put("winners", noCallHadTwoWinners(placed, wins, changes));
        mismatches.put("screens", everyScreenShowsTheProjection(tenants, gateways));
        mismatches.put("webhooks", everyAcknowledgedWebhookIsApplied(placed));
        mismatches.put("contract", everyFrameAndRecordFollowsTheContract());
        mismatches.put("voicemails", everyMessageIsOneVoicemail(placed, stateChanges, takes));
        Duration took = Duration.between(began, Instant.now());
        String report = report(placed, faults, wins, unanswered, mismatches, took, changes, takes);
        System.out.println(report);
        Files.createDirectories(target());
        Files.writeString(target().resolve("fault-report.json"), report);

        if (faults.failure() != null) {
            throw new AssertionError("A fault could not be carried out (a part did not come back): "
                    + faults.failure(), faults.failure());
        }
        List<String> all = mismatches.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(m -> e.getKey() + ": " + m)).toList();
        Files.write(target().resolve("fault-mismatches.txt"), all);
        if (!all.isEmpty()) {
            all.forEach(System.out::println);
            throw new AssertionError(all.size() + " mismatches (seed " + SEED + "; logs in " + stack.dataDir()
                    .resolve("logs") + "):\n" + all.stream().limit(60).collect(Collectors.joining("\n")));
        }
    }

    // ---- the call center ------------------------------------------------------------------------------------------

    private void startTheCallCenter(List<Tenant> tenants) throws Exception {
        Stack.Ports ports = Stack.Ports.free();
        String ingest = "http://localhost:" + ports.ingest();
        Faults twilioFaults = new Faults(DUPLICATE_RATE, REORDER_RATE, REORDER_WINDOW, SEED);
        stack = Stack.start(Stack.Options.defaults(repoRoot())
                .withDataDir(target().resolve("stack")).withFresh(true)
                .withPorts(ports)
                .withUserEnv(Map.of())
                .withJvmArgs(SERVICE_JVM_ARGS)
                .withKillableKafka(true)
                .withReadinessTimeout(Duration.ofSeconds(240)) // a restart on a busy shared machine
                .withSimulator(config -> {
                    // Twilio's own retries: the URLs' connection overrides, 15 s at most, nothing kinder.
                    var c = config.withFaults(twilioFaults);
                    for (Tenant tenant : tenants) {
                        c = c.withNumber(tenant.number(), Stack.callIngestNumber(ingest));
                    }
                    return c;
                })
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_RECONCILE_AFTER",
                        RECONCILE_AFTER.toSeconds() + "s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_CLAIM_RING_TIMEOUT", "5s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PARKING_TIMEOUT", "6s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PARKING_PARKER_RING_TIME", "2s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "1s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_OFFLINE_GRACE", "3s")
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_PRESENCE_TTL", "6s")
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_PRESENCE_HEARTBEAT_INTERVAL", "1s")
                .withServiceEnv(Stack.Service.PRESENCE_GATEWAY, "SWITCHBOARD_CANARY_INTERVAL", "0s"));
        StringBuilder seed = new StringBuilder();
        for (Tenant tenant : tenants) {
            seed.append("INSERT INTO tenants (id, name) VALUES ('").append(tenant.id()).append("', 'Tenant ")
                    .append(tenant.id()).append("');\n");
            seed.append("INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('").append(tenant.number())
                    .append("', '").append(tenant.id()).append("');\n");
            for (String agent : tenant.agents()) {
                seed.append("INSERT INTO voip_users (tenant_id, id, name) VALUES ('").append(tenant.id()).append("', '")
                        .append(agent).append("', 'Agent ").append(agent).append("');\n");
            }
        }
        // One tenant's callers wait a few seconds at most, then leave a voicemail.
        seed.append("INSERT INTO call_handling (tenant_id, max_wait_seconds, at_limit) VALUES ('")
                .append(VOICEMAIL_TENANT).append("', ").append(WAIT_LIMIT.toSeconds()).append(", 'voicemail');\n");
        stack.postgres().execute(seed.toString());
        secondGateway = GatewayReplica.start(stack, "b");
    }

    /** Each agent's dev token, fetched once: it outlives the run and either gateway accepts it. */
    private Map<String, String> tokens(List<Tenant> tenants) throws Exception {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        for (Tenant tenant : tenants) {
            for (String agent : tenant.agents()) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(
                        Stack.Service.PRESENCE_GATEWAY) + "/dev/token?tenant=" + tenant.id() + "&agent=" + agent))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("No dev token for " + agent + ": " + response.body());
                }
                tokens.put(agent, Json.MAPPER.readTree(response.body()).get("token").asText());
            }
        }
        return tokens;
    }

    /**
     * Callers dial the tenants' numbers at the configured rate, at least {@code faults.calls} of them and on until
     * every kind of fault has hit the traffic (a slow machine restarts slowly). A caller nobody talks to gives up after
     * a while, as callers do; one who reached the voicemail meanwhile speaks until then. Some of the voicemail tenant's
     * callers call from numbers the agents leave ringing: they wait out the limit, speak a few seconds at the beep (or
     * hang up within a second of it) and hang up.
     */
    private List<Placed> placeCalls(List<Tenant> tenants, FaultScheduler faults) throws InterruptedException {
        Random dice = new Random(SEED + 1);
        Random lostEnds = new Random(SEED + 2);
        ScheduledExecutorService patience = Executors.newSingleThreadScheduledExecutor();
        List<Placed> placed = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < CALLS || !faults.everyKindInjected() && faults.failure() == null && i < 5 * CALLS; i++) {
                long due = start + (long) (i * 1e9 / CALLS_PER_SECOND);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the callers' pace
                }
                Tenant tenant = tenants.get(dice.nextInt(tenants.size()));
                boolean leftRinging = tenant.id().equals(VOICEMAIL_TENANT) && dice.nextDouble() < LEFT_RINGING_RATE;
                String sid = stack.simulator().placeCall(String.format("%s%07d",
                        leftRinging ? Agent.LEFT_RINGING : "+1555", i), tenant.number());
                placed.add(new Placed(sid, tenant));
                if (leftRinging) {
                    long speaks = dice.nextDouble() < SILENT_RATE ? dice.nextInt(600) : 1_500 + dice.nextInt(5_000);
                    // Kafka or PostgreSQL may be away when the limit passes: the limit fires once they are back.
                    long givesUpAt = System.nanoTime() + WAIT_LIMIT.plus(OUTAGE_MAX).plusSeconds(30).toNanos();
                    leaveAMessage(patience, sid, speaks, givesUpAt, WAIT_LIMIT.minusSeconds(1).toMillis());
                } else {
                    patience.schedule(() -> {
                        try {
                            CallView view = stack.simulator().call(sid);
                            // Impatient only while nobody has taken the call: not with an agent, nor waiting for one.
                            if (!view.ended() && !view.activity().startsWith("conference")
                                    && !view.activity().startsWith("bridged")
                                    && !view.activity().startsWith("dialing")) {
                                if (lostEnds.nextDouble() < LOST_ENDS_RATE) {
                                    stack.simulator().loseStatusCallbacks(sid); // only reconciliation sees this end
                                }
                                stack.simulator().hangup(sid);
                            }
                        } catch (RuntimeException e) {
                            // the call is gone already
                        }
                    }, 6 + dice.nextInt(20), TimeUnit.SECONDS);
                }
                if (i % 100 == 99) {
                    System.out.printf("traffic: %d calls placed, %d active in the projection, %d voicemails%n", i + 1,
                            count("SELECT count(*) FROM active_calls"), count("SELECT count(*) FROM voicemails"));
                }
            }
        } finally {
            patience.shutdownNow();
        }
        return placed;
    }

    /**
     * A caller nobody takes: waits until Twilio has them at the beep ({@code recording}), speaks {@code speaksMillis},
     * hangs up; or hangs up after {@code givesUpAt} if the voicemail never came.
     */
    private void leaveAMessage(ScheduledExecutorService patience, String sid, long speaksMillis, long givesUpAt,
            long lookAgainMillis) {
        patience.schedule(() -> {
            try {
                CallView view = stack.simulator().call(sid);
                if (view.ended()) {
                    return;
                }
                if (view.activity().equals("recording")) {
                    patience.schedule(() -> stack.simulator().hangup(sid), speaksMillis, TimeUnit.MILLISECONDS);
                } else if (System.nanoTime() < givesUpAt) {
                    leaveAMessage(patience, sid, speaksMillis, givesUpAt, 200);
                } else {
                    stack.simulator().hangup(sid);
                }
            } catch (RuntimeException e) {
                // the call is gone already
            }
        }, lookAgainMillis, TimeUnit.MILLISECONDS);
    }

    // ---- the checks -----------------------------------------------------------------------------------------------

    /**
     * Every call Twilio ended is over in the projection (in call_history, not in active_calls), and the agent the
     * projection says the caller talked with at the end (a call that ended while CONNECTED) is the one Twilio had
     * bridged to the caller then. A call Twilio took to the voicemail (it asked call-ingest for the voicemail's TwiML)
     * ended with nobody, outcome {@code voicemail}; no other call has that outcome.
     */
    private List<String> callsEndAsTwilioSays(List<Placed> placed, Map<String, List<JsonNode>> changes)
            throws Exception {
        List<String> out = new ArrayList<>();
        Map<String, String[]> history = new HashMap<>();
        Set<String> active = new HashSet<>();
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT call_sid, tenant_id, agent_id, end_reason, outcome FROM call_history");
            while (rs.next()) {
                history.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)});
            }
            rs = c.createStatement().executeQuery("SELECT call_sid FROM active_calls");
            while (rs.next()) {
                active.add(rs.getString(1));
            }
        }
        Set<String> overflowRefused = overflowsTwilioRefusedAsOver();
        for (Placed call : placed) {
            CallView twilio = stack.simulator().call(call.callSid());
            // Whom Twilio had the caller with when they hung up (talking, or holding for them in the conference; two
            // during a consult), or nobody: they hung up waiting — in the queue, the lot, or for an agent to answer.
            List<String> with = twilio.company().stream().map(device -> ClientIdentity
                    .parse(device.replaceFirst("^client:", "")).map(ClientIdentity.TenantAgent::agentId)
                    .orElse(device)).toList();
            String talkedWith = with.isEmpty() ? null : String.join(" and ", with);
            String[] row = history.get(call.callSid());
            String where = "call " + call.callSid() + " of " + call.tenant().id();
            if (!twilio.ended()) {
                out.add(where + ": still " + twilio.status() + " at Twilio after every caller hung up");
            } else if (active.contains(call.callSid())) {
                out.add(where + ": Twilio ended it (" + twilio.status() + ", talking with " + talkedWith
                        + "), the projection still has it active");
            } else if (row == null && refusedAtTheEdge(twilio)) {
                // Twilio gave up on its Voice URL and its fallback (call-ingest was being restarted, and the suite
                // runs one replica): the caller heard Twilio's error and no screen ever showed the call.
                refusedAtTheEdge.add(call.callSid());
            } else if (row == null) {
                out.add(where + ": Twilio ended it (" + twilio.status() + "), the projection has no history row");
            } else if (sentToVoicemail(twilio)) {
                // Twilio's last word on the caller is the voicemail's TwiML: whoever they were with before (an agent
                // whose answer call-state never heard, so the claim timed out) they were taken away from.
                if (!call.tenant().id().equals(row[0]) || !"voicemail".equals(row[3])
                        || !"completed".equals(row[2]) || row[1] != null) {
                    out.add(where + ": Twilio took the caller to the voicemail (" + twilio.status() + ", recordings "
                            + recordings(call.callSid()) + "); the projection ended it " + row[2] + " with agent "
                            + row[1] + ", outcome " + row[3] + story(twilio, changes.get(call.callSid())));
                }
            } else if ("voicemail".equals(row[3]) && with.isEmpty() && row[1] == null
                    && overflowRefused.contains(call.callSid())) {
                // Ended however Twilio ended it: the caller's hang-up, or a call Twilio failed (call-ingest down)
                // that call-state heard of from the journal and ended by reconciliation.
                overflowsOvertakenByTheCallersEnd.add(call.callSid());
            } else {
                String projected = "completed".equals(row[2]) ? row[1] : null;
                if (talkedWith != null && projected == null && endOvertookAnswer(twilio)) {
                    // docs/reliability.md does not claim this one: the leg's end reached call-state before its
                    // answer, so call-state read a leg that never answered. Counted, not hidden.
                    endsOvertakingAnswers.add(call.callSid());
                } else if (!call.tenant().id().equals(row[0])
                        || (projected == null ? !with.isEmpty() : !with.contains(projected))) {
                    out.add(where + ": Twilio had the caller talking with " + talkedWith + " at the end (legs "
                            + legs(twilio) + "); the projection ended it " + row[2] + " with agent " + row[1]
                            + story(twilio, changes.get(call.callSid())));
                } else if ("voicemail".equals(row[3])) {
                    out.add(where + ": Twilio never took the caller to the voicemail (" + twilio.status()
                            + ", recordings " + recordings(call.callSid()) + "); the projection ended it " + row[2]
                            + ", outcome voicemail" + story(twilio, changes.get(call.callSid())));
                }
            }
        }
        return out;
    }

    /**
     * Every call an agent placed ended as Twilio saw it: talked with the agent who placed it when its number answered
     * and was with them, else not talked at all. Twilio's truth is the conference named after the call.
     */
    private List<String> placedCallsEndAsTwilioSays(Map<String, List<JsonNode>> changes) throws Exception {
        List<String> out = new ArrayList<>();
        Map<String, String[]> history = new HashMap<>();
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT call_sid, agent_id, end_reason FROM call_history WHERE call_sid LIKE 'OB%'");
            while (rs.next()) {
                history.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        for (String callSid : changes.keySet().stream().filter(OutboundCall::is).sorted().toList()) {
            String[] row = history.get(callSid);
            // None when Twilio refused to ring the agent (its API down).
            ConferenceView conference = stack.simulator().conferences().stream()
                    .filter(c -> c.friendlyName().equals(callSid)).reduce((earlier, later) -> later).orElse(null);
            String agent = changes.get(callSid).get(0).path("agentId").asText();
            CallView number = conference == null ? null : conference.participant(VoiceWebhooks.CALLER_LABEL)
                    .map(p -> stack.simulator().call(p.callSid())).orElse(null);
            boolean talked = number != null && number.talks().stream().anyMatch(t -> ClientIdentity
                    .parse(t.device().replaceFirst("^client:", "")).map(ClientIdentity.TenantAgent::agentId)
                    .filter(agent::equals).isPresent());
            String where = "placed call " + callSid + " of " + agent;
            if (row == null) {
                out.add(where + ": no history row (Twilio: " + (number == null ? "number never called"
                        : number.status()) + ")");
            } else if (talked != "completed".equals(row[1]) || !agent.equals(row[0])) {
                out.add(where + ": Twilio says the number " + (talked ? "talked" : "never talked") + " with "
                        + agent + "; the projection ended it " + row[1] + " with agent " + row[0]
                        + (number == null ? "" : story(number, changes.get(callSid))));
            }
        }
        return out;
    }

    /** Whether Twilio asked call-ingest for the voicemail's TwiML: call-state's update took the caller there. */
    private static boolean sentToVoicemail(CallView call) {
        String voicemail = VoiceWebhooks.path(VoiceWebhooks.VOICEMAIL) + "?";
        return call.webhooks().stream().anyMatch(w -> w.kind().equals("redirect") && w.callSid().equals(call.sid())
                && w.url().contains(voicemail));
    }

    /** The calls whose Overflow Twilio refused because they were over (call-state's log, all its starts). */
    private Set<String> overflowsTwilioRefusedAsOver() throws Exception {
        java.util.regex.Pattern refused = java.util.regex.Pattern.compile(
                "Twilio refused Overflow for call (CA\\w+) .*not in-progress");
        try (var lines = Files.lines(stack.logFile(Stack.Service.CALL_STATE))) {
            return lines.map(refused::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1))
                    .collect(Collectors.toSet());
        }
    }

    /** The simulator's recordings of a call, for reading a mismatch. */
    private String recordings(String callSid) {
        return stack.simulator().recordings(callSid).stream().map(r -> r.sid() + " " + r.status() + " "
                + r.durationSeconds() + " s").collect(Collectors.joining(", ", "[", "]"));
    }

    /** Whether Twilio never got an answer to the call's Voice URL, nor to its fallback. */
    private static boolean refusedAtTheEdge(CallView call) {
        return call.webhooks().stream().noneMatch(w -> (w.kind().equals("incoming") || w.kind().equals("fallback"))
                && w.succeeded());
    }

    /** No agent is busy, or shows a current call, without a live call that is theirs. */
    private List<String> noAgentIsBusyWithoutACall() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery("""
                    SELECT tenant_id, id, status, current_call_id FROM voip_users v
                    WHERE (status = 'busy' OR current_call_id IS NOT NULL) AND NOT EXISTS (
                        SELECT 1 FROM active_calls a WHERE a.tenant_id = v.tenant_id
                        AND (a.agent_id = v.id OR a.consult_with = v.id))""");
            while (rs.next()) {
                out.add("agent " + rs.getString(2) + " of " + rs.getString(1) + " is " + rs.getString(3)
                        + " (current call " + rs.getString(4) + ") without a live call of theirs");
            }
        }
        return out;
    }

    /** What Twilio told call-ingest about the call, and what the projection made of it: for reading a mismatch. */
    private static String story(CallView twilio, List<JsonNode> changes) {
        String webhooks = twilio.webhooks().stream()
                .filter(w -> !w.kind().equals("wait"))
                .map(w -> w.at().toString().substring(11, 23) + " " + w.kind() + " "
                        + (w.callSid().equals(twilio.sid()) ? "caller" : "leg " + w.callSid().substring(2, 8)) + " "
                        + w.params().getOrDefault("CallStatus", "") + w.params().getOrDefault("DialCallStatus", "")
                        + w.params().getOrDefault("RecordingStatus", "")
                        + " #" + w.params().getOrDefault("SequenceNumber", "-") + " → " + w.httpStatus())
                .collect(Collectors.joining("\n    "));
        String projection = changes == null ? "(none)" : changes.stream()
                .map(c -> c.get("state").asText() + " " + c.path("agentId").asText("-") + " "
                        + c.path("ringReason").asText(""))
                .collect(Collectors.joining(" → "));
        return "\n  Twilio's webhooks:\n    " + webhooks + "\n  the projection's changes: " + projection;
    }

    /** Whether Twilio's last leg of the call had its {@code completed} acknowledged before its {@code in-progress}. */
    private boolean endOvertookAnswer(CallView call) {
        if (call.agentCalls().isEmpty()) {
            return false;
        }
        String leg = call.agentCalls().get(call.agentCalls().size() - 1);
        List<WebhookAttempt> acked = call.webhooks("status", leg).stream().filter(WebhookAttempt::succeeded).toList();
        Instant answered = acked.stream().filter(a -> "in-progress".equals(a.params().get("CallStatus")))
                .map(WebhookAttempt::at).min(Instant::compareTo).orElse(null);
        Instant ended = acked.stream().filter(a -> "completed".equals(a.params().get("CallStatus")))
                .map(WebhookAttempt::at).min(Instant::compareTo).orElse(null);
        return answered != null && ended != null && ended.isBefore(answered);
    }

    private String legs(CallView call) {
        return call.agentCalls().stream().map(sid -> {
            CallView leg = stack.simulator().call(sid);
            return leg.to() + " " + leg.status() + (leg.answeredAt() != null ? " answered" : "");
        }).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * At most one winner per ringing (or parked) episode: in the tenant's ordered changes a call goes from one agent
     * to another only through RINGING or PARKED; every acknowledged claim or retrieve is such a win of that agent;
     * and Twilio never had the caller talking with two agents at the same time.
     */
    private List<String> noCallHadTwoWinners(List<Placed> placed, ConcurrentLinkedQueue<Agent.Win> wins,
            Map<String, List<JsonNode>> changesByCall) {
        List<String> out = new ArrayList<>();
        Map<String, Map<String, Integer>> episodes = new HashMap<>();
        changesByCall.forEach((sid, changes) -> {
            String holder = null;
            for (JsonNode call : changes) {
                String state = call.get("state").asText();
                String agent = call.path("agentId").isNull() ? null : call.path("agentId").asText(null);
                if (state.equals("CLAIMED") && !Objects.equals(agent, holder)) {
                    if (holder != null) {
                        out.add("call " + sid + " went from " + holder + " to " + agent
                                + " without ringing or parking in between: two winners");
                    }
                    episodes.computeIfAbsent(sid, s -> new HashMap<>()).merge(agent, 1, Integer::sum);
                }
                holder = state.equals("CLAIMED") || state.equals("CONNECTED") ? agent : null;
            }
        });
        // An agent who clicks again on a call they already hold is acknowledged again ("the claim stands"), so acks
        // are compared by agent: whoever was acknowledged must be among the call's winners.
        Map<String, Set<String>> acked = new HashMap<>();
        wins.forEach(w -> acked.computeIfAbsent(w.callSid(), s -> new HashSet<>()).add(w.agentId()));
        acked.forEach((sid, agents) -> agents.forEach(agent -> {
            if (!episodes.getOrDefault(sid, Map.of()).containsKey(agent)) {
                out.add("call " + sid + ": " + agent + "'s claim or retrieve was acknowledged, but the call never went "
                        + "to them; its winners: " + episodes.get(sid));
            }
        }));
        for (Placed call : placed) {
            CallView caller = stack.simulator().call(call.callSid());
            if (caller.talkedWithTwoAtOnce()) {
                out.add("call " + call.callSid() + ": Twilio had the caller talking with two at once: "
                        + caller.talks());
            }
        }
        return out;
    }

    /**
     * Every frame the screens received or sent, and every record on the topics, follows the contract's AsyncAPI
     * document and schemas — also while services restart and records are sent again.
     */
    private List<String> everyFrameAndRecordFollowsTheContract() {
        List<String> out = new ArrayList<>();
        screens.forEach(screen -> out.addAll(screen.contractViolations()));
        WireContract contract = WireContract.get();
        out.addAll(contract.recordsOn(stack.kafkaBootstrapServers(), contract.topics(), 50));
        return out;
    }

    /** Every change on switchboard.state-changes, once per (tenant, seq), each tenant's in seq order. */
    private List<JsonNode> stateChanges() throws Exception {
        Map<String, TreeMap<Long, JsonNode>> byTenant = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATE_CHANGES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode change = Json.MAPPER.readTree(record.value());
                    if (change.has("seq") && !change.get("seq").isNull()) {
                        byTenant.computeIfAbsent(record.key(), t -> new TreeMap<>())
                                .putIfAbsent(change.get("seq").asLong(), change);
                    }
                }
            }
        }
        return byTenant.values().stream().flatMap(changes -> changes.values().stream()).toList();
    }

    /** The call changes, by call, in seq order. */
    private static Map<String, List<JsonNode>> callChanges(List<JsonNode> stateChanges) {
        Map<String, List<JsonNode>> byCall = new HashMap<>();
        stateChanges.stream().filter(change -> change.get("type").asText().equals("call"))
                .forEach(change -> byCall.computeIfAbsent(change.at("/call/callSid").asText(), s -> new ArrayList<>())
                        .add(change.get("call")));
        return byCall;
    }

    /**
     * Every screen (snapshot, then changes applied, gaps resumed, reconnects) shows what PostgreSQL holds, and what a
     * fresh snapshot from either gateway shows.
     */
    private List<String> everyScreenShowsTheProjection(List<Tenant> tenants, List<String> gateways) throws Exception {
        List<String> out = new ArrayList<>();
        for (Tenant tenant : tenants) {
            String database = databasePicture(tenant.id());
            for (String gateway : gateways) {
                String agent = tenant.agents().get(0);
                Screen fresh = new Screen(tenant.id(), agent, List.of(gateway), 0, () -> tokens.get(agent));
                fresh.connect();
                await("a fresh snapshot from " + gateway, Duration.ofSeconds(30), () -> fresh.seq() >= 0);
                if (!fresh.picture().equals(database)) {
                    out.add("a fresh snapshot of " + tenant.id() + " from " + gateway + " shows\n" + fresh.picture()
                            + "\nPostgreSQL holds\n" + database);
                }
                fresh.close();
            }
            for (Screen screen : screens) {
                if (screen.tenant.equals(tenant.id()) && !screen.picture().equals(database)) {
                    out.add(screen.agentId + "'s screen (seq " + screen.seq() + ") shows\n" + screen.picture()
                            + "\nPostgreSQL (seq " + tenantSeq(tenant.id()) + ") holds\n" + database);
                }
            }
        }
        return out;
    }

    private String databasePicture(String tenantId) throws Exception {
        Map<String, String> agents = new TreeMap<>();
        Map<String, String> calls = new TreeMap<>();
        Map<String, String> voicemails = new TreeMap<>();
        try (Connection c = stack.postgres().connect()) {
            PreparedStatement s = c.prepareStatement(
                    "SELECT id, presence, status, current_call_id FROM voip_users WHERE tenant_id = ? AND active");
            s.setString(1, tenantId);
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                agents.put(rs.getString(1), Pictures.agent(rs.getString(2), rs.getString(3), rs.getString(4)));
            }
            s = c.prepareStatement("SELECT call_sid, state, agent_id, slot, offered_to FROM active_calls WHERE tenant_id = ?");
            s.setString(1, tenantId);
            rs = s.executeQuery();
            while (rs.next()) {
                calls.put(rs.getString(1), Pictures.call(rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)));
            }
            s = c.prepareStatement("SELECT id, call_sid, duration_seconds, taken_by FROM voicemails"
                    + " WHERE tenant_id = ? AND done_at IS NULL");
            s.setString(1, tenantId);
            rs = s.executeQuery();
            while (rs.next()) {
                voicemails.put(rs.getString(1), Pictures.voicemail(rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return Pictures.of(agents, calls, voicemails);
    }

    private record StoredVoicemail(String tenantId, String callSid, String from, long durationSeconds, String takenBy,
            boolean done) {
    }

    /**
     * Every message Twilio recorded is one voicemail, and only those are: each completed recording with something in
     * it has exactly one {@code voicemails} row (its RecordingSid the id, the same call, tenant, caller and duration)
     * and was announced open once on switchboard.state-changes; an empty ({@code absent}) one has none, nor does any
     * recording Twilio had not finished; every row is such a recording. Every acknowledged take is the one the row
     * names. (That every screen shows exactly its tenant's open voicemails is the screens' check.)
     */
    private List<String> everyMessageIsOneVoicemail(List<Placed> placed, List<JsonNode> stateChanges,
            ConcurrentLinkedQueue<Agent.Take> takes) throws Exception {
        Map<String, StoredVoicemail> rows = new HashMap<>();
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT id, tenant_id, call_sid, from_number, duration_seconds, taken_by, done_at FROM voicemails");
            while (rs.next()) {
                rows.put(rs.getString(1), new StoredVoicemail(rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getString(6), rs.getTimestamp(7) != null));
            }
        }
        Map<String, Long> announced = stateChanges.stream().filter(change -> change.get("type").asText()
                .equals("voicemail") && "open".equals(change.at("/voicemail/state").asText()))
                .collect(Collectors.groupingBy(change -> change.at("/voicemail/voicemailId").asText(),
                        Collectors.counting()));
        Map<String, Placed> calls = placed.stream().collect(Collectors.toMap(Placed::callSid, p -> p));
        List<String> out = new ArrayList<>();
        Set<String> recorded = new HashSet<>();
        for (RecordingView recording : stack.simulator().recordings()) {
            recorded.add(recording.sid());
            StoredVoicemail row = rows.get(recording.sid());
            String where = "recording " + recording.sid() + " of call " + recording.callSid() + " ("
                    + recording.status() + ", " + recording.durationSeconds() + " s)";
            boolean message = recording.completed() && recording.durationSeconds() > 0;
            if (!message) {
                if (row != null) {
                    out.add(where + ": Twilio kept no message, yet it is voicemail " + row);
                }
                continue;
            }
            Placed call = calls.get(recording.callSid());
            CallView twilio = stack.simulator().call(recording.callSid());
            List<WebhookAttempt> callbacks = twilio.webhooks().stream().filter(w -> w.kind().equals("recording")
                    && recording.sid().equals(w.params().get("RecordingSid"))).toList();
            if (!callbacks.isEmpty() && callbacks.stream().noneMatch(WebhookAttempt::succeeded)) {
                // Twilio gave the callback up: call-state finds the message at Twilio when the call ends.
                messagesTwilioCouldNotReport.add(recording.sid());
            }
            if (row == null) {
                out.add(where + ": Twilio stored the message, no voicemail holds it"
                        + story(twilio, null));
            } else if (!row.callSid().equals(recording.callSid())
                    || row.durationSeconds() != recording.durationSeconds()
                    || call == null || !row.tenantId().equals(call.tenant().id())
                    || !row.from().equals(twilio.from())) {
                out.add(where + " from " + twilio.from() + " to " + (call == null ? "?" : call.tenant().id())
                        + ": stored as " + row);
            }
            if (announced.getOrDefault(recording.sid(), 0L) != 1) {
                out.add(where + ": announced open " + announced.getOrDefault(recording.sid(), 0L)
                        + " times on the state changes, not once");
            }
        }
        rows.forEach((id, row) -> {
            if (!recorded.contains(id)) {
                out.add("voicemail " + id + " " + row + ": Twilio never recorded it");
            }
        });
        Map<String, Set<String>> takers = new HashMap<>();
        takes.forEach(t -> takers.computeIfAbsent(t.voicemailId(), v -> new HashSet<>()).add(t.agentId()));
        takers.forEach((id, agents) -> {
            StoredVoicemail row = rows.get(id);
            if (agents.size() > 1 || row == null || !agents.contains(row.takenBy())) {
                out.add("voicemail " + id + ": taking it was acknowledged to " + agents + ", it is stored as " + row);
            }
        });
        return out;
    }

    /** Every webhook Twilio got a 2xx for was applied by call-state: its event id is in processed_events. */
    private List<String> everyAcknowledgedWebhookIsApplied(List<Placed> placed) throws Exception {
        Set<String> applied = new HashSet<>();
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT event_id FROM processed_events");
            while (rs.next()) {
                applied.add(rs.getString(1));
            }
        }
        List<String> out = new ArrayList<>();
        for (Placed call : placed) {
            for (WebhookAttempt attempt : stack.simulator().call(call.callSid()).webhooks()) {
                String eventId = eventId(attempt);
                if (attempt.succeeded() && eventId != null && !applied.contains(eventId)) {
                    out.add("call " + call.callSid() + ": Twilio's " + attempt.kind() + " webhook " + attempt.params()
                            .getOrDefault("CallStatus", "") + " for " + attempt.callSid() + " was answered "
                            + attempt.httpStatus() + " at " + attempt.at() + ", but event " + eventId
                            + " was never applied");
                }
            }
        }
        return out;
    }

    /** The event id call-ingest gives a webhook (docs/protocol.md); null for what it does not publish. */
    static String eventId(WebhookAttempt attempt) {
        Map<String, String> p = attempt.params();
        return switch (attempt.kind()) {
            case "incoming", "fallback" -> "incoming:" + p.get("CallSid");
            case "status" -> "status:" + p.get("CallSid") + ":" + p.get("SequenceNumber");
            case "dial-action" -> "dial-ended:" + p.get("CallSid") + ":" + p.get("DialCallSid");
            // call-state decides on a recording only when something is in it: an empty one is no voicemail.
            case "recording" -> "completed".equals(p.get("RecordingStatus"))
                    && Long.parseLong(p.getOrDefault("RecordingDuration", "0")) > 0
                    ? "recording:" + p.get("RecordingSid") : null;
            default -> null;
        };
    }

    // ---- the report -----------------------------------------------------------------------------------------------

    /** Holds, transfers and consults, as every screen saw them begin, and the consults that handed a call over. */
    private static Map<String, Integer> controls(Map<String, List<JsonNode>> changes) {
        Map<String, Integer> counts = new TreeMap<>(Map.of("holds", 0, "coldTransfers", 0, "consults", 0,
                "consultsHandedOver", 0));
        changes.values().forEach(frames -> {
            for (int i = 1; i < frames.size(); i++) {
                JsonNode before = frames.get(i - 1);
                JsonNode now = frames.get(i);
                if (now.path("onHold").asBoolean() && !before.path("onHold").asBoolean()
                        && !"consult".equals(now.path("ringReason").asText())) {
                    counts.merge("holds", 1, Integer::sum);
                }
                if ("transfer".equals(now.path("ringReason").asText()) && "CONNECTED".equals(before.path("state").asText())) {
                    counts.merge("coldTransfers", 1, Integer::sum);
                }
                if ("consult".equals(now.path("ringReason").asText())
                        && !"consult".equals(before.path("ringReason").asText())) {
                    counts.merge("consults", 1, Integer::sum);
                }
                if (before.hasNonNull("consultWith") && "CONNECTED".equals(now.path("state").asText())
                        && before.get("consultWith").asText().equals(now.path("agentId").asText())) {
                    counts.merge("consultsHandedOver", 1, Integer::sum);
                }
            }
        });
        return counts;
    }

    private String report(List<Placed> placed, FaultScheduler faults, ConcurrentLinkedQueue<Agent.Win> wins,
            AtomicLong unanswered, Map<String, List<String>> mismatches, Duration took,
            Map<String, List<JsonNode>> changes, ConcurrentLinkedQueue<Agent.Take> takes) throws Exception {
        Faults.Figures twilio = stack.simulator().deliveryFigures();
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("seed", SEED);
        r.put("callsDriven", placed.size());
        r.put("tenants", TENANTS);
        r.put("agents", screens.size());
        // -Dtwilio.simulator.latency (TwilioSimulator.Config.defaults): how long Twilio took to answer each REST call.
        r.put("twilioRestLatencyMs", stack.simulator().apiLatency().toMillis());
        ObjectNode f = r.putObject("faultsInjected");
        faults.counts().forEach((fault, n) -> f.put(fault.name().toLowerCase().replace('_', '-'), n));
        r.put("faultsTotal", faults.injected().size());
        ObjectNode w = r.putObject("webhooks");
        w.put("acknowledged", twilio.acknowledged());
        w.put("retries", twilio.retries());
        w.put("duplicatesDelivered", twilio.duplicates());
        w.put("reordersDelivered", twilio.reorders());
        w.put("givenUp", twilio.givenUp());
        w.put("fallbacks", twilio.fallbacks());
        w.put("finalCallbacksLost", twilio.lost());
        w.put("answeredWhileKafkaOrPostgresAway", answeredDuringOutages(placed, faults));
        r.put("callsRefusedAtTheEdge", refusedAtTheEdge.size());
        r.put("callsEndedByReconciliation", linesInLog(Stack.Service.CALL_STATE, "from Twilio's record"));
        r.put("claimsAndRetrievesWon", wins.size());
        r.put("legEndsOvertakingAnswers", endsOvertakingAnswers.size());
        r.put("overflowsOvertakenByTheCallersEnd", overflowsOvertakenByTheCallersEnd.size());
        r.put("messagesTwilioCouldNotReport", messagesTwilioCouldNotReport.size());
        r.put("commandsUnanswered", unanswered.get());
        r.put("callsTalked", count("SELECT count(*) FROM call_history WHERE end_reason = 'completed'"));
        r.put("callsPlacedByAgents", changes.keySet().stream().filter(OutboundCall::is).count());
        r.put("parks", count("SELECT count(*) FROM call_parks"));
        ObjectNode vm = r.putObject("voicemail");
        vm.put("waitLimitSeconds", WAIT_LIMIT.toSeconds());
        vm.put("callersLeftRinging", placed.stream().filter(p -> stack.simulator().call(p.callSid()).from()
                .startsWith(Agent.LEFT_RINGING)).count());
        vm.put("callsToVoicemail", count("SELECT count(*) FROM call_history WHERE outcome = 'voicemail'"));
        vm.put("recordingsCompleted", stack.simulator().recordings().stream().filter(RecordingView::completed).count());
        vm.put("recordingsAbsent", stack.simulator().recordings().stream().filter(x -> "absent".equals(x.status()))
                .count());
        vm.put("voicemailsStored", count("SELECT count(*) FROM voicemails"));
        vm.put("voicemailsTaken", takes.size());
        vm.put("voicemailsDone", count("SELECT count(*) FROM voicemails WHERE done_at IS NOT NULL"));
        vm.put("voicemailsOpen", count("SELECT count(*) FROM voicemails WHERE done_at IS NULL"));
        ObjectNode controls = r.putObject("callControls");
        controls(changes).forEach(controls::put);
        ObjectNode s = r.putObject("screens");
        s.put("reconnects", screens.stream().mapToLong(x -> x.reconnects.get()).sum());
        s.put("gapsResumed", screens.stream().mapToLong(x -> x.gaps.get()).sum());
        s.put("resyncSnapshots", screens.stream().mapToLong(x -> x.resyncs.get()).sum());
        ObjectNode m = r.putObject("mismatches");
        mismatches.forEach((k, v) -> m.put(k, v.size()));
        r.put("mismatchesTotal", mismatches.values().stream().mapToInt(List::size).sum());
        r.put("durationSeconds", took.toSeconds());
        r.put("faultLog", faults.injected().stream().map(i -> i.fault() + " killed " + i.killedAt() + ", down "
                + i.down().toMillis() + " ms, back after " + i.backAfter().toMillis() + " ms")
                .collect(Collectors.joining("; ")));
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r);
    }

    /**
     * Webhooks call-ingest answered while Kafka or PostgreSQL was away: an edge that waited for them to store the
     * event would have answered 503, and Twilio given up.
     */
    private long answeredDuringOutages(List<Placed> placed, FaultScheduler faults) {
        return placed.stream().flatMap(call -> stack.simulator().call(call.callSid()).webhooks().stream())
                .filter(WebhookAttempt::succeeded)
                .filter(w -> faults.down(FaultScheduler.Fault.KAFKA, w.at())
                        || faults.down(FaultScheduler.Fault.POSTGRES, w.at()))
                .count();
    }

    /** Lines of a service's log (all its starts) that contain {@code text}. */
    private long linesInLog(Stack.Service service, String text) throws Exception {
        try (var lines = Files.lines(stack.logFile(service))) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }

    // ---- waiting and reading ---------------------------------------------------------------------------------------

    private long count(String sql) {
        try (Connection c = stack.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery(sql);
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1; // PostgreSQL is down for a moment
        }
    }

    private long tenantSeq(String tenantId) {
        return count("SELECT seq FROM tenants WHERE id = '" + tenantId + "'");
    }

    /** Waits for a condition; not a failure when it never holds: the checks after it say precisely what differs. */
    private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                System.out.println("quiescence: not reached within " + atMost.toSeconds() + " s: " + what);
                return;
            }
            Thread.sleep(200); // polling state spread over processes
        }
    }

    /** Waits until a reading stays the same for 5 s (at most 90 s). */
    private static void awaitQuiet(String what, java.util.function.Supplier<String> reading) throws InterruptedException {
        String last = reading.get();
        long stableSince = System.nanoTime();
        long deadline = stableSince + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(5)) {
            if (System.nanoTime() > deadline) {
                System.out.println("quiescence: not quiet within 90 s: " + what);
                return;
            }
            Thread.sleep(250); // polling state spread over processes
            String now = reading.get();
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
    }
}
