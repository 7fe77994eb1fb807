package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.Presence;
import io.switchboard.contract.Wallboard;
import io.switchboard.stack.Stack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisors' wallboard across the packaged services, real Kafka and PostgreSQL and the Twilio simulator: three
 * agents take, miss and abandon calls while Doug (a supervisor) watches; at several moments, once the stream is quiet,
 * the last figures his screen got are recomputed from the call history (GET /api/calls, with its steps) and the live
 * calls his screen shows, and every figure must be equal. Rhonda's screen (no supervisor) gets the same seq without
 * figures.
 */
class WallboardTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Longer than the wallboard's interval and its computation: no frame for this long means the stream is quiet. */
    static final Duration QUIET = Duration.ofSeconds(4);
    static final String NUMBER = "+15005550006";
    static final int SERVICE_LEVEL_SECONDS = 20;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Set<String> OFFERED = Set.of("answered", "transferred", "abandoned", "voicemail", "forwarded");

    static Stack stack;
    static AgentScreen doug;
    static AgentScreen rhonda;
    static AgentScreen sam;
    static String gateway;

    @BeforeAll
    static void startTheStack() throws Exception {
        // Wrap-up short enough that an agent is available again for the next phase, long enough to be seen.
        stack = EndToEnd.start("wallboard",
                o -> o.withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "2s"));
        stack.postgres().execute("INSERT INTO voip_users (tenant_id, id, name) VALUES ('acme', 'sam', 'Sam')"
                + " ON CONFLICT DO NOTHING");
        gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        List<AgentScreen> screens = EndToEnd.openScreens(stack, "acme", WAIT, "doug", "rhonda", "sam");
        doug = screens.get(0);
        rhonda = screens.get(1);
        sam = screens.get(2);
        await().atMost(WAIT).until(() -> List.of("doug", "rhonda", "sam").stream()
                .allMatch(a -> "online".equals(doug.agentField(a, "presence"))));
    }

    @AfterAll
    static void stopTheStack() {
        EndToEnd.closeAll(doug, rhonda, sam, stack);
    }

    @Test
    void everyFigureEqualsTheHistoryAtEveryQuietMoment() throws Exception {
        figuresMatchTheHistory("before any call");

        // A caller waits: it rings for all three, and the wallboard counts the wait from the call's start.
        String first = stack.simulator().placeCall("+15550400001", NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(first) && rhonda.rings(first) && sam.rings(first));
        Wallboard waiting = figuresMatchTheHistory("a caller waiting");
        assertThat(waiting.callsWaiting()).isEqualTo(1);

        // Rhonda takes it; Doug and Sam, available while it rang, missed it. The caller hangs up after a while.
        rhonda.ack("claim", first);
        await().atMost(WAIT).until(() -> doug.showsOnCall(first, "rhonda", null));
        figuresMatchTheHistory("Rhonda talking");
        Thread.sleep(1_500);
        stack.simulator().hangup(first);
        await().atMost(WAIT).until(() -> doug.call(first) == null);
        Wallboard answered = figuresMatchTheHistory("the first call answered");
        assertThat(answered.answered()).isEqualTo(1);
        assertThat(figuresOf(answered, "rhonda").handled()).isEqualTo(1);
        assertThat(figuresOf(answered, "doug").missed()).isEqualTo(1);
        assertThat(figuresOf(answered, "sam").missed()).isEqualTo(1);

        // A caller who gives up while it rings: abandoned, missed by everyone it rang for.
        await().atMost(WAIT).until(() -> "available".equals(doug.agentField("rhonda", "status")));
        String second = stack.simulator().placeCall("+15550400002", NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(second));
        Thread.sleep(1_000);
        stack.simulator().hangup(second);
        await().atMost(WAIT).until(() -> doug.call(second) == null);
        Wallboard abandoned = figuresMatchTheHistory("the second call abandoned");
        assertThat(abandoned.abandoned()).isEqualTo(1);

        // Sam steps away; two callers at once: Doug takes one, the other waits longest, then Rhonda takes it.
        assertThat(sam.awaitReply(sam.setStatus("away")).get("type").asText()).isEqualTo("ack");
        String third = stack.simulator().placeCall("+15550400003", NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(third));
        String fourth = stack.simulator().placeCall("+15550400004", NUMBER);
        await().atMost(WAIT).until(() -> doug.rings(fourth));
        Wallboard two = figuresMatchTheHistory("two callers waiting");
        assertThat(two.callsWaiting()).isEqualTo(2);
        doug.ack("claim", fourth);
        await().atMost(WAIT).until(() -> doug.showsOnCall(fourth, "doug", null));
        rhonda.ack("claim", third);
        await().atMost(WAIT).until(() -> doug.showsOnCall(third, "rhonda", null));
        figuresMatchTheHistory("both talking");
        stack.simulator().hangup(third);
        stack.simulator().hangup(fourth);
        await().atMost(WAIT).until(() -> doug.call(third) == null && doug.call(fourth) == null);
        Wallboard end = figuresMatchTheHistory("every call over");
        assertThat(end.answered()).isEqualTo(3);
        assertThat(end.abandoned()).isEqualTo(1);
        // Sam missed the first two; the last two rang while he was away, so not for him.
        assertThat(figuresOf(end, "sam").missed()).isEqualTo(2);
        assertThat(figuresOf(end, "doug").missed()).isEqualTo(3);

        // Rhonda's screen followed the same stream, without a single figure.
        await().atMost(WAIT).until(() -> rhonda.seq() == doug.seq());
        assertThat(rhonda.seqViolations()).isEmpty();
        assertThat(doug.seqViolations()).isEmpty();
        List<JsonNode> hers = rhonda.frames(f -> "wallboard".equals(f.path("type").asText()));
        assertThat(hers).isNotEmpty().allSatisfy(f -> assertThat(f.get("wallboard").isNull()).isTrue());
        assertThat(rhonda.frames(f -> "snapshot".equals(f.path("type").asText())))
                .allSatisfy(f -> assertThat(f.get("wallboard").isNull()).isTrue());
        assertThat(doug.frames(f -> "wallboard".equals(f.path("type").asText())))
                .allSatisfy(f -> assertThat(f.get("wallboard").isObject()).isTrue());
    }

    /**
     * Waits until the stream is quiet, then recomputes the figures from the history and the live calls and compares
     * them, every one, with the last ones Doug's screen got; returns those.
     */
    private static Wallboard figuresMatchTheHistory(String moment) throws Exception {
        for (int attempt = 0; ; attempt++) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> quietFor(doug, QUIET)
                    && doug.wallboard() != null && doug.wallboard().isObject());
            long seq = doug.seq();
            Wallboard shown = Json.MAPPER.treeToValue(doug.wallboard(), Wallboard.class);
            Wallboard recomputed = recompute(shown);
            // A change that came while the history was read (a wrap-up ending) makes this moment no quiet one.
            if (doug.seq() != seq && attempt < 3) {
                continue;
            }
            assertThat(shown).as("the wallboard " + moment).isEqualTo(recomputed);
            return shown;
        }
    }

    private static boolean quietFor(AgentScreen screen, Duration quiet) {
        long last = screen.arrivalOfLast();
        return last > 0 && System.nanoTime() - last >= quiet.toNanos();
    }

    /** The figures from the history alone (the day's ended calls) and the calls Doug's screen shows now. */
    private static Wallboard recompute(Wallboard shown) throws Exception {
        Instant from = shown.day().atStartOfDay(ZoneOffset.UTC).toInstant(); // acme counts days in UTC
        Instant until = shown.day().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<JsonNode> calls = history(from, until);
        int answered = 0;
        int abandoned = 0;
        int voicemail = 0;
        int offered = 0;
        int within = 0;
        long answerMicros = 0;
        Map<String, int[]> handled = new HashMap<>();
        Map<String, Long> talk = new HashMap<>();
        Map<String, Integer> missed = new HashMap<>();
        for (JsonNode call : calls) {
            String outcome = call.get("outcome").asText();
            Instant started = Instant.parse(call.get("startedAt").asText());
            Instant answeredAt = call.get("answeredAt").isNull() ? null
                    : Instant.parse(call.get("answeredAt").asText());
            String agent = call.get("agentId").isNull() ? null : call.get("agentId").asText();
            if (!"outbound".equals(outcome) && answeredAt != null) {
                answered++;
                answerMicros += ChronoUnit.MICROS.between(started, answeredAt);
            }
            abandoned += "abandoned".equals(outcome) ? 1 : 0;
            voicemail += "voicemail".equals(outcome) ? 1 : 0;
            if (OFFERED.contains(outcome)) {
                offered++;
                if (answeredAt != null
                        && Duration.between(started, answeredAt)
                                .compareTo(Duration.ofSeconds(SERVICE_LEVEL_SECONDS)) <= 0) {
                    within++;
                }
            }
            if (agent != null && answeredAt != null) {
                handled.computeIfAbsent(agent, a -> new int[1])[0]++;
                talk.merge(agent, call.get("talkSeconds").asLong(), Long::sum);
            }
            if (!"outbound".equals(outcome)) {
                Set<String> rangFor = new HashSet<>();
                call.get("steps").forEach(step -> step.path("offered").forEach(a -> rangFor.add(a.asText())));
                for (String a : rangFor) {
                    if (!(a.equals(agent) && answeredAt != null)) {
                        missed.merge(a, 1, Integer::sum);
                    }
                }
            }
        }
        List<JsonNode> ringing = doug.calls().stream().filter(c -> "RINGING".equals(c.get("state").asText()))
                .toList();
        List<JsonNode> agents = dougsAgents();
        Instant longest = ringing.stream().map(c -> Instant.parse(c.get("startedAt").asText())
                .truncatedTo(ChronoUnit.MILLIS)).min(Comparator.naturalOrder()).orElse(null);
        List<Wallboard.AgentFigures> figures = new ArrayList<>();
        for (JsonNode a : agents) {
            String id = a.get("id").asText();
            Wallboard.AgentFigures was = figuresOf(shown, id);
            figures.add(new Wallboard.AgentFigures(id, a.get("name").asText(),
                    Presence.fromWire(a.get("presence").asText()), AgentStatus.fromWire(a.get("status").asText()),
                    was == null ? null : was.statusSince(), handled.getOrDefault(id, new int[1])[0],
                    missed.getOrDefault(id, 0), talk.getOrDefault(id, 0L)));
        }
        return new Wallboard(shown.day(), shown.at(), ringing.size(), longest, answered, abandoned, voicemail,
                offered == 0 ? null : (double) within / offered, SERVICE_LEVEL_SECONDS,
                answered == 0 ? null : answerMicros / 1_000_000.0 / answered, figures);
    }

    /** The active agents as Doug's screen shows them, by name as the wallboard orders them. */
    private static List<JsonNode> dougsAgents() {
        return doug.agents().stream().sorted(Comparator.comparing((JsonNode a) -> a.get("name").asText())
                .thenComparing(a -> a.get("id").asText())).toList();
    }

    private static Wallboard.AgentFigures figuresOf(Wallboard figures, String agentId) {
        return figures.agents().stream().filter(a -> a.agentId().equals(agentId)).findFirst().orElse(null);
    }

    /** Every call of the day, a page at a time, with Doug's token. */
    private static List<JsonNode> history(Instant from, Instant until) throws Exception {
        List<JsonNode> calls = new ArrayList<>();
        String cursor = null;
        do {
            String query = "since=" + from + "&until=" + until + "&limit=200"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/calls?"
                    + query)).header("Authorization", "Bearer " + doug.token()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = Json.MAPPER.readTree(response.body());
            page.get("calls").forEach(calls::add);
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        return calls;
    }
}
