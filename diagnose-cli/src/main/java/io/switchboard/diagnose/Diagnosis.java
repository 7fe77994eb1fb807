package io.switchboard.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The core of {@code diagnose}: turns what was observed on the wire into one plain line per step and a verdict. No
 * I/O and no clock: {@link Diagnose} observes and reports each line as it comes; this decides what it means.
 *
 * <p>The first broken hop decides the verdict; steps after it are still reported, for context, but cannot repair it.
 * Every line is scrubbed of the token, whatever a server or the JDK put in a message.
 */
public final class Diagnosis {
    static final String CALL_STATE_SILENT = "call-state does not answer: down, or lagging on switchboard.agent-commands";
    static final String CHANGE_PATH_STUCK = "call-state stored the probe but it did not come back: check call-state's"
            + " outbox relay (outbox backlog) and the gateway's state-changes consumer";
    static final String CANARY_CHECK = "End-to-end canary";

    /** What one probe got: any of these may be missing (null). Times in ms from sending the probe. */
    public record ProbeOutcome(int index, int of, Long ackMillis, Long backMillis, String errorCode,
            String errorMessage, Long errorMillis, String closed, long timeoutMillis) {

        static ProbeOutcome of(int index, int of, long timeoutMillis) {
            return new ProbeOutcome(index, of, null, null, null, null, null, null, timeoutMillis);
        }

        public ProbeOutcome acked(long millis) {
            return new ProbeOutcome(index, of, millis, backMillis, errorCode, errorMessage, errorMillis, closed,
                    timeoutMillis);
        }

        public ProbeOutcome back(long millis) {
            return new ProbeOutcome(index, of, ackMillis, millis, errorCode, errorMessage, errorMillis, closed,
                    timeoutMillis);
        }

        public ProbeOutcome error(String code, String message, long millis) {
            return new ProbeOutcome(index, of, ackMillis, backMillis, code, message, millis, closed, timeoutMillis);
        }

        /** @param how the close code and reason, or what broke the connection */
        public ProbeOutcome closed(String how) {
            return new ProbeOutcome(index, of, ackMillis, backMillis, errorCode, errorMessage, errorMillis, how,
                    timeoutMillis);
        }

        /** Nothing more to wait for: an answer and the probe itself, or an error, or the connection is gone. */
        public boolean complete() {
            return errorCode != null || closed != null || (ackMillis != null && backMillis != null);
        }

        boolean works() {
            return errorCode == null && ackMillis != null && backMillis != null;
        }
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Long> roundTrips = new ArrayList<>();
    private String secret;
    private String brokenAt;

    public Diagnosis(String secret) {
        this.secret = secret;
    }

    /** The token, once known (a dev token arrives after the start): no line will contain it. */
    public void secret(String secret) {
        this.secret = secret;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Where realtime broke, or null while nothing did. */
    public String brokenAt() {
        return brokenAt;
    }

    // ---- the steps --------------------------------------------------------------------------------------------------

    public String start(String gateway, String who) {
        return line("diagnose: gateway " + gateway + ", " + who
                + " (this agent shows online to its tenant while the check runs)");
    }

    public String devToken(long millis, String tenant, String agent) {
        return step(true, "token", millis, "a dev token for " + agent + " of tenant " + tenant
                + " from /dev/token (local stack only)");
    }

    public String devTokenRefused(long millis, int status, String problem) {
        String why = status == 404 && (problem == null || problem.isBlank())
                ? "this gateway serves no /dev/token (it exists only on the local stack): use --token"
                : "/dev/token answered " + status + (problem == null || problem.isBlank() ? "" : ": " + problem);
        return fail("token", millis, why, "getting a token: " + why);
    }

    /** Nothing answers at the gateway's address: the process is down or the URL is wrong. */
    public String unreachable(String step, long millis, String gateway, String detail) {
        String why = "nothing answers at " + gateway + " (" + detail + "): the gateway is down or the URL is wrong";
        return fail(step, millis, why, "the gateway: " + why);
    }

    public String connected(long millis, String socketUrl) {
        return step(true, "connect", millis, "WebSocket open: " + socketUrl);
    }

    /** The gateway answered the upgrade with an HTTP status instead of a WebSocket. */
    public String upgradeRefused(long millis, int status) {
        String why = switch (status) {
            case 401 -> "the gateway rejected the token (401): it is invalid, expired, or signed by another issuer";
            case 403 -> "the gateway refused this agent (403): the token is not an agent's, or the tenant does not"
                    + " know this agent or deactivated it";
            case 404 -> "no /agent/ws at this address (404): is it the presence-gateway?";
            default -> "the gateway refused the WebSocket upgrade with HTTP " + status;
        };
        return fail("connect", millis, why, "connecting: " + why);
    }

    public String connectFailed(long millis, String detail) {
        String why = "the WebSocket did not open: " + detail;
        return fail("connect", millis, why, "connecting: " + why);
    }

    public String snapshot(long millis, long seq, int agents, int calls) {
        return step(true, "snapshot", millis, "first snapshot: seq " + seq + ", " + plural(agents, "agent") + ", "
                + plural(calls, "call"));
    }

    /** @param detail what happened instead: the close code and reason, or how long was waited */
    public String noSnapshot(long millis, String detail) {
        String why = "connected but no snapshot: the gateway cannot read PostgreSQL (" + detail + ")";
        return fail("snapshot", millis, why, why);
    }

    public String probeLegend() {
        return line("     probes: ack = the command path (gateway → Kafka → call-state → PostgreSQL → Kafka → gateway);"
                + " back = the whole change path (… → outbox relay → state-changes topic → gateway → this socket)");
    }

    public String probe(ProbeOutcome p) {
        String step = "probe " + p.index() + "/" + p.of();
        if (p.works()) {
            roundTrips.add(p.backMillis());
            return step(true, step, p.backMillis(), "ack in " + p.ackMillis() + " ms, back in " + p.backMillis()
                    + " ms");
        }
        String why;
        long millis = p.errorMillis() != null ? p.errorMillis() : p.timeoutMillis();
        if ("unavailable".equals(p.errorCode())) {
            why = "refused as unavailable: \"" + p.errorMessage() + "\"";
            return fail(step, millis, why, p.errorMessage());
        } else if ("timeout".equals(p.errorCode())) {
            why = "the gateway answered timeout (\"" + p.errorMessage() + "\"): " + CALL_STATE_SILENT;
            return fail(step, millis, why, CALL_STATE_SILENT);
        } else if (p.errorCode() != null) {
            why = "the gateway answered " + p.errorCode() + ": \"" + p.errorMessage() + "\""
                    + ("bad_request".equals(p.errorCode()) ? " (a gateway older than probes?)" : "");
            return fail(step, millis, why, "the gateway: it refused the probe (" + p.errorCode() + ")");
        } else if (p.ackMillis() == null && p.backMillis() != null) {
            why = "back in " + p.backMillis() + " ms but no answer within " + p.timeoutMillis()
                    + " ms: call-state's replies do not reach the gateway (its agent-replies consumer)";
            return fail(step, millis, why, "the gateway's agent-replies consumer: call-state's answers do not arrive");
        } else if (p.ackMillis() != null) {
            why = "ack in " + p.ackMillis() + " ms, but not back within " + p.timeoutMillis() + " ms: "
                    + CHANGE_PATH_STUCK;
            return fail(step, millis, why, CHANGE_PATH_STUCK);
        } else if (p.closed() != null) {
            why = "the connection ended before an answer (" + p.closed() + ")";
            return fail(step, millis, why, "the gateway: " + why);
        }
        why = "no answer within " + p.timeoutMillis() + " ms: " + CALL_STATE_SILENT;
        return fail(step, millis, why, CALL_STATE_SILENT);
    }

    public String probesSkipped(int from, int of) {
        return line("     probes " + from + "–" + of + " not sent: the first failure says where to look");
    }

    /**
     * The gateway's readiness report: its own canary's detail, and any check that is down.
     *
     * @param readiness the body of {@code /q/health/ready}, or null when it was not JSON
     */
    public String canary(long millis, int status, JsonNode readiness) {
        if (readiness == null || !readiness.path("checks").isArray()) {
            return step(null, "canary", millis, "/q/health/ready answered " + status + " without a readiness report");
        }
        List<String> down = new ArrayList<>();
        JsonNode canary = null;
        for (JsonNode check : readiness.get("checks")) {
            if (CANARY_CHECK.equals(check.path("name").asText())) {
                canary = check.path("data");
            } else if (!"UP".equals(check.path("status").asText())) {
                down.add(check.path("name").asText());
            }
        }
        String others = down.isEmpty() ? "" : "; readiness DOWN: " + String.join(", ", down);
        if (canary == null) {
            return step(null, "canary", millis, "the gateway reports no canary (older than the canary)" + others);
        }
        String realtime = canary.path("realtime").asText();
        String figures = figures(canary);
        return switch (realtime) {
            case "working" -> step(down.isEmpty(), "canary", millis, "the gateway's own canary: realtime working"
                    + figures + others);
            case "broken" -> step(false, "canary", millis, "the gateway's own canary: realtime BROKEN: "
                    + canary.path("problem").asText("no reason given") + figures + others);
            default -> step(null, "canary", millis, "the gateway's own canary is off (switchboard.canary.interval=0s)"
                    + others);
        };
    }

    public String canaryUnreadable(long millis, String detail) {
        return step(null, "canary", millis, "could not read /q/health/ready: " + detail);
    }

    /** The last line: the answer to "is realtime working?". */
    public String verdict() {
        if (brokenAt != null) {
            return line("Realtime is BROKEN at: " + brokenAt);
        }
        if (roundTrips.isEmpty()) {
            return line("Realtime is BROKEN at: nothing was measured (no probe was sent)");
        }
        List<Long> sorted = roundTrips.stream().sorted().toList();
        long p50 = sorted.get((sorted.size() + 1) / 2 - 1); // nearest rank
        return line("Realtime works: changes reach this client in p50 " + p50 + " ms, max " + sorted.get(sorted.size() - 1)
                + " ms over " + plural(sorted.size(), "probe"));
    }

    public int exitCode() {
        return brokenAt == null && !roundTrips.isEmpty() ? 0 : 1;
    }

    // ---- lines ------------------------------------------------------------------------------------------------------

    private static String figures(JsonNode canary) {
        StringBuilder s = new StringBuilder();
        if (canary.has("lastRoundTripMillis")) {
            s.append(", last round trip ").append(canary.get("lastRoundTripMillis").asLong()).append(" ms");
        }
        if (canary.has("secondsSinceLastProbe")) {
            s.append(", last probe back ").append(canary.get("secondsSinceLastProbe").asLong()).append(" s ago");
        }
        s.append(", ").append(plural(canary.path("lostProbes").asLong(), "lost probe"));
        return s.toString();
    }

    private String fail(String step, long millis, String why, String hop) {
        if (brokenAt == null) {
            brokenAt = hop;
        }
        return step(false, step, millis, why);
    }

    /** @param ok true, false, or null for a step that only informs */
    private String step(Boolean ok, String step, long millis, String text) {
        String mark = ok == null ? "--  " : ok ? "ok  " : "FAIL";
        return line(String.format("%s %-11s %6d ms  %s", mark, step, millis, text));
    }

    private String line(String text) {
        String scrubbed = secret == null || secret.isEmpty() ? text : text.replace(secret, "<token>");
        lines.add(scrubbed);
        return scrubbed;
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
