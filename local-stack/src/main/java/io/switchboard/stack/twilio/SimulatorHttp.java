package io.switchboard.stack.twilio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator over HTTP: Twilio's REST API for calls (as twilio-java calls it) and the control API for tests
 * and people ({@code /sim/...}). Thin: every decision is {@link Exchange}'s.
 */
final class SimulatorHttp implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());
    private static final Pattern CALL = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Calls/([^/]+)\\.json");
    private static final Pattern SIM_CALL = Pattern.compile("/sim/calls/([^/]+)");
    private static final Pattern SIM_HANGUP = Pattern.compile("/sim/calls/([^/]+)/hangup");
    private static final Pattern SIM_CLIENT = Pattern.compile("/sim/clients/([^/]+)");
    private static final String HELP = """
            Switchboard's Twilio simulator.

            Control API
              POST /sim/calls                 {"from":"+15551230000","to":"+15005550006"} -> {"callSid":"CA..."}
              GET  /sim/calls                 every call the simulator knows
              GET  /sim/calls/{sid}           one call: status, what it is doing, its webhooks
              POST /sim/calls/{sid}/hangup    the caller hangs up (for an agent leg: the agent does)
              POST /sim/clients/{identity}    {"answer":"auto|reject|ignore"}: how that agent's device answers
            Twilio REST API (Basic auth AccountSid:AuthToken; every answer takes ./stack up's --twilio-latency)
              GET|POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json   (Twiml, Url, Method, Status)
            """;

    private final TwilioSimulator simulator;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    SimulatorHttp(TwilioSimulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            String path = http.getRequestURI().getRawPath();
            if (path.startsWith("/2010-04-01/")) {
                twilioRest(http, path);
            } else if (path.startsWith("/sim/")) {
                control(http, path);
            } else if ("/".equals(path) || "/sim".equals(path)) {
                respond(http, 200, "text/plain; charset=utf-8", HELP);
            } else {
                respondJson(http, 404, Map.of("error", "No such path " + path + "; GET / lists what there is"));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Twilio simulator failed on " + http.getRequestURI() + ": " + e, e);
            respondJson(http, 500, Map.of("error", String.valueOf(e)));
        }
    }

    // ---- control API --------------------------------------------------------------------------------------------

    private void control(HttpExchange http, String path) throws IOException {
        String method = http.getRequestMethod();
        Matcher m;
        try {
            if ("/sim/calls".equals(path) && "POST".equals(method)) {
                JsonNode body = jsonBody(http);
                String callSid = simulator.placeCall(required(body, "from"), required(body, "to"));
                respondJson(http, 201, Map.of("callSid", callSid));
            } else if ("/sim/calls".equals(path) && "GET".equals(method)) {
                respondJson(http, 200, simulator.calls());
            } else if ((m = SIM_HANGUP.matcher(path)).matches() && "POST".equals(method)) {
                simulator.hangup(m.group(1));
                respondJson(http, 200, simulator.call(m.group(1)));
            } else if ((m = SIM_CALL.matcher(path)).matches() && "GET".equals(method)) {
                respondJson(http, 200, simulator.call(m.group(1)));
            } else if ((m = SIM_CLIENT.matcher(path)).matches() && "POST".equals(method)) {
                String identity = decode(m.group(1));
                simulator.answerMode(identity, AnswerMode.parse(required(jsonBody(http), "answer")));
                respondJson(http, 200, Map.of("identity", identity, "answer", simulator.answerMode(identity).wireName()));
            } else if ((m = SIM_CLIENT.matcher(path)).matches() && "GET".equals(method)) {
                String identity = decode(m.group(1));
                respondJson(http, 200, Map.of("identity", identity, "answer", simulator.answerMode(identity).wireName()));
            } else {
                respondJson(http, 404, Map.of("error", method + " " + path + " is not part of the control API; GET / "
                        + "lists what there is"));
            }
        } catch (NoSuchElementException e) {
            respondJson(http, 404, Map.of("error", e.getMessage()));
        } catch (IllegalArgumentException e) {
            respondJson(http, 400, Map.of("error", e.getMessage()));
        }
    }

    private JsonNode jsonBody(HttpExchange http) throws IOException {
        byte[] body = http.getRequestBody().readAllBytes();
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("The body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String required(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        return value.asText();
    }

    // ---- Twilio's REST API --------------------------------------------------------------------------------------

    /** What the REST API answers, before it travels back. */
    private record Answer(int status, Object body) {
    }

    /**
     * Every request takes the configured latency, as a network round trip to Twilio would: it reaches Twilio after
     * half of it (then the change happens) and the answer comes back after the other half, so the webhooks a change
     * causes can overtake its answer, as they can with real Twilio. Each request waits on its own server thread
     * ({@link TwilioSimulator}'s pool grows as needed): concurrent requests wait their latency side by side, not
     * one after the other.
     */
    private void twilioRest(HttpExchange http, String path) throws IOException {
        Duration latency = simulator.apiLatency();
        Duration there = latency.dividedBy(2);
        pause(there);
        // An outage: the request reached Twilio and nothing was done, as with Twilio's own 503 Service Unavailable.
        Answer answer = simulator.apiDown() ? twilioError(503, 20503, "Service Unavailable") : rest(http, path);
        pause(latency.minus(there));
        respondJson(http, answer.status(), answer.body());
    }

    private Answer rest(HttpExchange http, String path) throws IOException {
        if (!authenticated(http)) {
            http.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Twilio API\"");
            return twilioError(401, 20003, "Authenticate");
        }
        Matcher m = CALL.matcher(path);
        if (!m.matches() || !m.group(1).equals(simulator.accountSid()) || !callExists(m.group(2))) {
            return twilioError(404, 20404, "The requested resource " + path + " was not found");
        }
        String callSid = m.group(2);
        return switch (http.getRequestMethod()) {
            case "GET" -> new Answer(200, callResource(simulator.call(callSid)));
            case "POST" -> updateCall(http, callSid);
            default -> twilioError(405, 20004, "Method not allowed");
        };
    }

    private Answer updateCall(HttpExchange http, String callSid) throws IOException {
        Map<String, String> form = form(new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        CallView call;
        try {
            if (form.containsKey("Twiml")) {
                call = simulator.updateTwiml(callSid, form.get("Twiml"));
            } else if (form.containsKey("Url")) {
                call = simulator.updateUrl(callSid, form.get("Url"), form.getOrDefault("Method", "POST").toUpperCase());
            } else if (form.containsKey("Status")) {
                String status = form.get("Status");
                if (!"completed".equals(status) && !"canceled".equals(status)) {
                    return twilioError(400, 20001, "Status must be completed or canceled, not " + status);
                }
                call = simulator.updateStatus(callSid, status);
            } else {
                call = simulator.call(callSid);
            }
        } catch (Exchange.NotInProgress e) {
            return twilioError(400, 21220, e.getMessage());
        } catch (Twiml.TwimlException e) {
            return twilioError(400, 12100, "Document parse failure: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return twilioError(400, 20001, e.getMessage());
        }
        return new Answer(200, callResource(call));
    }

    private static void pause(Duration latency) {
        if (latency.isZero()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(latency.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean callExists(String callSid) {
        try {
            simulator.call(callSid);
            return true;
        } catch (NoSuchElementException e) {
            return false;
        }
    }

    /** HTTP Basic with the account's SID and auth token, or with the configured API key and its secret. */
    private boolean authenticated(HttpExchange http) {
        String header = http.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        TwilioSimulator.Config config = simulator.config();
        return matches(credentials, config.accountSid() + ":" + config.authToken())
                || config.apiKeySid() != null && matches(credentials, config.apiKeySid() + ":" + config.apiKeySecret());
    }

    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /** Twilio's Call resource, field for field as the REST API returns it (snake_case, RFC 2822 dates). */
    private Map<String, Object> callResource(CallView call) {
        String uri = "/2010-04-01/Accounts/" + simulator.accountSid() + "/Calls/" + call.sid();
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("account_sid", simulator.accountSid());
        resource.put("annotation", null);
        resource.put("answered_by", null);
        resource.put("api_version", Exchange.API_VERSION);
        resource.put("caller_name", null);
        resource.put("date_created", TwilioDates.rfc2822(call.startedAt()));
        resource.put("date_updated", TwilioDates.rfc2822(simulator.updated(call.sid())));
        resource.put("direction", call.direction());
        resource.put("duration", call.endedAt() == null ? null
                : Long.toString(java.time.Duration.between(call.startedAt(), call.endedAt()).toSeconds()));
        resource.put("end_time", TwilioDates.rfc2822(call.endedAt()));
        resource.put("forwarded_from", null);
        resource.put("from", call.from());
        resource.put("from_formatted", formatted(call.from()));
        resource.put("group_sid", null);
        resource.put("parent_call_sid", call.parentCallSid());
        resource.put("phone_number_sid", null);
        resource.put("price", null);
        resource.put("price_unit", "USD");
        resource.put("sid", call.sid());
        resource.put("start_time", TwilioDates.rfc2822(call.startedAt()));
        resource.put("status", call.status());
        Map<String, String> subresources = new LinkedHashMap<>();
        for (String sub : new String[] {"user_defined_messages", "notifications", "recordings", "streams", "payments",
                "user_defined_message_subscriptions", "siprec", "events", "transcriptions"}) {
            subresources.put(sub, uri + "/" + toCamel(sub) + ".json");
        }
        resource.put("subresource_uris", subresources);
        resource.put("to", call.to());
        resource.put("to_formatted", formatted(call.to()));
        resource.put("trunk_sid", null);
        resource.put("uri", uri + ".json");
        resource.put("queue_time", "0");
        return resource;
    }

    private static String toCamel(String snake) {
        StringBuilder camel = new StringBuilder();
        for (String part : snake.split("_")) {
            camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return camel.toString();
    }

    /** North American numbers as Twilio formats them: {@code (500) 555-0006}. */
    private static String formatted(String number) {
        if (number != null && number.matches("\\+1\\d{10}")) {
            return "(" + number.substring(2, 5) + ") " + number.substring(5, 8) + "-" + number.substring(8);
        }
        return number;
    }

    private static Answer twilioError(int status, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        error.put("status", status);
        return new Answer(status, error);
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private void respondJson(HttpExchange http, int status, Object body) throws IOException {
        respond(http, status, "application/json; charset=utf-8", json.writeValueAsString(body));
    }

    private static void respond(HttpExchange http, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }
}
