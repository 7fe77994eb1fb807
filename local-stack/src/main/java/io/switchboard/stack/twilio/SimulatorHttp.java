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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator over HTTP: Twilio's REST API for calls and conferences (as twilio-java calls it) and the control API
 * for tests and people ({@code /sim/...}). Thin: every decision is {@link Exchange}'s.
 */
final class SimulatorHttp implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());
    private static final String ACCOUNT = "/2010-04-01/Accounts/([^/]+)";
    private static final Pattern CALLS = Pattern.compile(ACCOUNT + "/Calls\\.json");
    private static final Pattern CALL = Pattern.compile(ACCOUNT + "/Calls/([^/]+)\\.json");
    private static final Pattern CONFERENCES = Pattern.compile(ACCOUNT + "/Conferences\\.json");
    /** The account's recordings, newest first; {@code CallSid} narrows them to one call's. */
    private static final Pattern RECORDINGS = Pattern.compile(ACCOUNT + "/Recordings\\.json");
    private static final Pattern CONFERENCE = Pattern.compile(ACCOUNT + "/Conferences/([^/]+)\\.json");
    private static final Pattern PARTICIPANTS = Pattern.compile(ACCOUNT + "/Conferences/([^/]+)/Participants\\.json");
    private static final Pattern PARTICIPANT =
            Pattern.compile(ACCOUNT + "/Conferences/([^/]+)/Participants/([^/]+)\\.json");
    /** A recording: its media without an extension or with {@code .wav}/{@code .mp3}, its resource with {@code .json}. */
    private static final Pattern RECORDING = Pattern.compile(ACCOUNT + "/Recordings/([^/.]+)(?:\\.([A-Za-z0-9]+))?");
    private static final Pattern SIM_CALL = Pattern.compile("/sim/calls/([^/]+)");
    private static final Pattern SIM_HANGUP = Pattern.compile("/sim/calls/([^/]+)/hangup");
    private static final Pattern SIM_CALL_RECORDINGS = Pattern.compile("/sim/calls/([^/]+)/recordings");
    private static final Pattern SIM_CLIENT = Pattern.compile("/sim/clients/([^/]+)");
    private static final Pattern SIM_CONFERENCE = Pattern.compile("/sim/conferences/([^/]+)");
    /** Twilio's default page size for lists. */
    private static final int PAGE_SIZE = 50;
    private static final String HELP = """
            Switchboard's Twilio simulator.

            Control API
              POST /sim/calls                 {"from":"+15551230000","to":"+15005550006"} -> {"callSid":"CA..."}
              GET  /sim/calls                 every call the simulator knows
              GET  /sim/calls/{sid}           one call: status, what it is doing, its webhooks
              POST /sim/calls/{sid}/hangup    the caller hangs up (for an agent leg: the agent does)
              POST /sim/clients/{identity}    {"answer":"auto|reject|ignore"}: how that device (a client identity
                                              or a number) answers when a call rings it
              GET  /sim/conferences           every conference the simulator knows
              GET  /sim/recordings            every recording: sid, call, status, duration, url
              POST /sim/calls/{sid}/recordings  {"seconds":3}: a completed recording of that call, no webhooks
              GET  /sim/conferences/{name}    the conference of that FriendlyName: status, participants
            Twilio REST API (Basic auth AccountSid:AuthToken; every answer takes ./stack up's --twilio-latency)
              POST     /2010-04-01/Accounts/{AccountSid}/Calls.json   (To, From, Twiml or Url, StatusCallback…)
              GET|POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json   (Twiml, Url, Method, Status)
              GET      /2010-04-01/Accounts/{AccountSid}/Conferences.json   (FriendlyName, Status)
              GET|POST /2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}.json   (Status, AnnounceUrl)
              GET|POST /2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid or FriendlyName}/Participants.json
              GET|POST|DELETE …/Conferences/{ConferenceSid}/Participants/{CallSid or Label}.json   (Hold, Muted…)
              GET      /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}[.wav]   the audio (audio/x-wav)
              GET|DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.json   the Recording resource
              GET      /2010-04-01/Accounts/{AccountSid}/Recordings.json   (CallSid) the recordings, newest first
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
            } else if ("/sim/recordings".equals(path) && "GET".equals(method)) {
                respondJson(http, 200, simulator.recordings());
            } else if ((m = SIM_CALL_RECORDINGS.matcher(path)).matches() && "POST".equals(method)) {
                JsonNode seconds = jsonBody(http).get("seconds");
                if (seconds == null || !seconds.canConvertToLong()) {
                    throw new IllegalArgumentException("\"seconds\" is missing or not a whole number");
                }
                respondJson(http, 201, simulator.storeRecording(m.group(1), seconds.asLong()));
            } else if ((m = SIM_CALL.matcher(path)).matches() && "GET".equals(method)) {
                respondJson(http, 200, simulator.call(m.group(1)));
            } else if ((m = SIM_CLIENT.matcher(path)).matches() && "POST".equals(method)) {
                String identity = decode(m.group(1));
                simulator.answerMode(identity, AnswerMode.parse(required(jsonBody(http), "answer")));
                respondJson(http, 200, Map.of("identity", identity, "answer", simulator.answerMode(identity).wireName()));
            } else if ((m = SIM_CLIENT.matcher(path)).matches() && "GET".equals(method)) {
                String identity = decode(m.group(1));
                respondJson(http, 200, Map.of("identity", identity, "answer", simulator.answerMode(identity).wireName()));
            } else if ("/sim/conferences".equals(path) && "GET".equals(method)) {
                respondJson(http, 200, simulator.conferences());
            } else if ((m = SIM_CONFERENCE.matcher(path)).matches() && "GET".equals(method)) {
                respondJson(http, 200, simulator.conference(decode(m.group(1))));
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

    /** What the REST API answers, before it travels back: a JSON body, or (a {@link Media}) a file. */
    private record Answer(int status, Object body) {
    }

    /** A recording's audio, written straight to the response. */
    private record Media(String contentType, long seconds) {
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
        if (answer.body() == null) {
            respond(http, answer.status(), "application/json; charset=utf-8", "");
        } else if (answer.body() instanceof Media media) {
            http.getResponseHeaders().set("Content-Type", media.contentType());
            http.sendResponseHeaders(answer.status(), Wav.length(media.seconds()));
            try (OutputStream out = http.getResponseBody()) {
                Wav.write(out, media.seconds());
            }
        } else {
            respondJson(http, answer.status(), answer.body());
        }
    }

    private Answer rest(HttpExchange http, String path) throws IOException {
        if (!authenticated(http)) {
            http.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Twilio API\"");
            return twilioError(401, 20003, "Authenticate");
        }
        String method = http.getRequestMethod();
        Matcher m;
        try {
            if ((m = CALLS.matcher(path)).matches() && ours(m)) {
                return "POST".equals(method) ? placeCall(http) : notAllowed();
            } else if ((m = CALL.matcher(path)).matches() && ours(m) && callExists(m.group(2))) {
                String callSid = m.group(2);
                return switch (method) {
                    case "GET" -> new Answer(200, callResource(simulator.call(callSid)));
                    case "POST" -> updateCall(http, callSid);
                    default -> notAllowed();
                };
            } else if ((m = CONFERENCES.matcher(path)).matches() && ours(m)) {
                return "GET".equals(method) ? conferences(http, path) : notAllowed();
            } else if ((m = CONFERENCE.matcher(path)).matches() && ours(m)) {
                String conferenceSid = decode(m.group(2));
                return switch (method) {
                    case "GET" -> new Answer(200, conferenceResource(simulator.conferenceBySid(conferenceSid)));
                    case "POST" -> updateConference(http, conferenceSid);
                    default -> notAllowed();
                };
            } else if ((m = PARTICIPANTS.matcher(path)).matches() && ours(m)) {
                String conference = decode(m.group(2));
                return switch (method) {
                    case "GET" -> participants(http, path, conference);
                    case "POST" -> addParticipant(http, conference);
                    default -> notAllowed();
                };
            } else if ((m = RECORDINGS.matcher(path)).matches() && ours(m)) {
                return "GET".equals(method) ? recordings(http, path) : notAllowed();
            } else if ((m = RECORDING.matcher(path)).matches() && ours(m)) {
                return recording(method, m.group(2), m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT));
            } else if ((m = PARTICIPANT.matcher(path)).matches() && ours(m)) {
                String conferenceSid = decode(m.group(2));
                String participant = decode(m.group(3));
                return switch (method) {
                    case "GET" -> new Answer(200, participantResource(simulator.participant(conferenceSid,
                            participant), false));
                    case "POST" -> updateParticipant(http, conferenceSid, participant);
                    case "DELETE" -> {
                        simulator.removeParticipant(conferenceSid, participant);
                        yield new Answer(204, null);
                    }
                    default -> notAllowed();
                };
            }
        } catch (NoSuchElementException e) {
            // No such call, conference (a FriendlyName where Twilio wants the SID, one that is over) or participant.
            return notFound(path);
        }
        return notFound(path);
    }

    /**
     * {@code Recordings/{Sid}}: without an extension or with {@code .wav} the audio, as {@code audio/x-wav}, once
     * Twilio finished processing it (before that, and for an {@code absent} one, there is no file: 404);
     * {@code .json} the resource, which {@code DELETE} removes.
     */
    private Answer recording(String method, String recordingSid, String extension) {
        RecordingView recording = simulator.recording(recordingSid);
        if ("DELETE".equals(method) && "json".equals(extension)) {
            simulator.deleteRecording(recordingSid);
            return new Answer(204, null);
        }
        if (!"GET".equals(method)) {
            return notAllowed();
        }
        return switch (extension) {
            case "json" -> new Answer(200, recordingResource(recording));
            case "", "wav" -> recording.completed() ? new Answer(200, new Media("audio/x-wav",
                    recording.durationSeconds())) : twilioError(404, 20404, "The recording " + recordingSid
                            + " has no media (its status is " + recording.status() + ")");
            // Twilio transcodes to MP3 (audio/mpeg) on request. The simulator does not: the JDK has no MP3 encoder,
            // and an application that asks for .mp3 should see that it gets nothing here rather than a WAV under the
            // wrong name. Ask for the URL as given (WAV), as the call center does.
            case "mp3" -> twilioError(404, 20404, "The Twilio simulator serves recordings as WAV only, not MP3");
            default -> notFound("/Recordings/" + recordingSid + "." + extension);
        };
    }

    /** {@code GET Recordings.json}: the account's recordings, newest first, narrowed by {@code CallSid}. */
    private Answer recordings(HttpExchange http, String path) {
        Map<String, String> query = form(http.getRequestURI().getRawQuery());
        String callSid = query.get("CallSid");
        List<Map<String, Object>> found = (callSid == null ? simulator.recordings() : simulator.recordings(callSid))
                .stream().sorted(Comparator.comparing(RecordingView::createdAt).reversed())
                .map(this::recordingResource).toList();
        return new Answer(200, page("recordings", path, query, found));
    }

    /** Twilio's Recording resource (snake_case, RFC 2822 dates, the duration as a string). */
    private Map<String, Object> recordingResource(RecordingView recording) {
        String uri = "/2010-04-01/Accounts/" + simulator.accountSid() + "/Recordings/" + recording.sid();
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("account_sid", recording.accountSid());
        resource.put("api_version", Exchange.API_VERSION);
        resource.put("call_sid", recording.callSid());
        resource.put("conference_sid", null);
        resource.put("date_created", TwilioDates.rfc2822(recording.createdAt()));
        resource.put("date_updated", TwilioDates.rfc2822(recording.updatedAt()));
        resource.put("start_time", TwilioDates.rfc2822(recording.startedAt()));
        // Twilio gives an unfinished recording's duration as -1.
        boolean unfinished = "in-progress".equals(recording.status()) || "processing".equals(recording.status());
        resource.put("duration", unfinished ? "-1" : Long.toString(recording.durationSeconds()));
        resource.put("sid", recording.sid());
        resource.put("price", null);
        resource.put("price_unit", "USD");
        resource.put("status", recording.status());
        resource.put("channels", 1);
        resource.put("source", recording.source());
        resource.put("error_code", recording.errorCode() == 0 ? null : recording.errorCode());
        resource.put("uri", uri + ".json");
        resource.put("encryption_details", null);
        resource.put("subresource_uris", Map.of("add_on_results", uri + "/AddOnResults.json",
                "transcriptions", uri + "/Transcriptions.json"));
        resource.put("media_url", recording.url());
        return resource;
    }

    private boolean ours(Matcher m) {
        return m.group(1).equals(simulator.accountSid());
    }

    private static Answer notFound(String path) {
        return twilioError(404, 20404, "The requested resource " + path + " was not found");
    }

    private static Answer notAllowed() {
        return twilioError(405, 20004, "Method not allowed");
    }

    /** Twilio's answer to a call placed without {@code To} or {@code From}; null when both are there. */
    private static Answer missingNumber(Map<String, List<String>> form) {
        if (first(form, "To") == null) {
            return twilioError(400, 21201, "No 'To' number is specified");
        }
        return first(form, "From") == null ? twilioError(400, 21213, "No 'From' number is specified") : null;
    }

    /** {@code POST Calls.json}: Twilio queues a call to {@code To} and answers 201 with it. */
    private Answer placeCall(HttpExchange http) throws IOException {
        Map<String, List<String>> form = formValues(body(http));
        Answer refused = missingNumber(form);
        if (refused != null) {
            return refused;
        }
        List<Twiml.Verb> twiml = null;
        String url = first(form, "Url");
        try {
            if (first(form, "Twiml") != null) {
                twiml = Twiml.parse(first(form, "Twiml"));
            } else if (url == null) {
                return twilioError(400, 20001, "Missing required parameter Url (or Twiml)");
            }
            CallView call = simulator.placeOutboundCall(new Exchange.OutboundCall(first(form, "From"),
                    first(form, "To"), twiml,
                    twiml == null ? url : null, method(form, "Method", "POST"),
                    statusCallback(form, "StatusCallback", "StatusCallbackMethod", "StatusCallbackEvent"),
                    integer(form, "Timeout", Exchange.DEFAULT_TIMEOUT_SECONDS)));
            return new Answer(201, callResource(call));
        } catch (Twiml.TwimlException e) {
            return twilioError(400, 12100, "Document parse failure: " + e.getMessage());
        } catch (Exchange.InvalidTo e) {
            return twilioError(400, 21211, e.getMessage());
        } catch (IllegalArgumentException e) {
            return twilioError(400, 20001, e.getMessage());
        }
    }

    /** {@code GET Conferences.json}: Twilio's page of conferences, newest first, by FriendlyName and Status. */
    private Answer conferences(HttpExchange http, String path) {
        Map<String, String> query = form(http.getRequestURI().getRawQuery());
        String name = query.get("FriendlyName");
        String status = query.get("Status");
        List<Map<String, Object>> found = simulator.conferences().stream()
                .filter(c -> name == null || c.friendlyName().equals(name))
                .filter(c -> status == null || c.status().equals(status))
                .sorted(Comparator.comparing(ConferenceView::createdAt).reversed())
                .map(this::conferenceResource).toList();
        return new Answer(200, page("conferences", path, query, found));
    }

    /** {@code Status=completed} ends the conference; {@code AnnounceUrl} is played to it. */
    private Answer updateConference(HttpExchange http, String conferenceSid) throws IOException {
        Map<String, List<String>> form = formValues(body(http));
        String status = first(form, "Status");
        if (status != null && !"completed".equals(status)) {
            return twilioError(400, 20001, "Status must be completed, not " + status);
        }
        ConferenceView conference = simulator.updateConference(conferenceSid, status, first(form, "AnnounceUrl"),
                method(form, "AnnounceMethod", null));
        return new Answer(200, conferenceResource(conference));
    }

    /** {@code GET Participants.json}: the participants connecting or connected, of an active conference. */
    private Answer participants(HttpExchange http, String path, String conferenceSid) {
        Map<String, String> query = form(http.getRequestURI().getRawQuery());
        ConferenceView conference = simulator.conferenceBySid(conferenceSid);
        List<Map<String, Object>> found = conference.ended() ? List.of() : conference.participants().stream()
                .filter(ParticipantView::active)
                .filter(p -> !query.containsKey("Muted") || p.muted() == Boolean.parseBoolean(query.get("Muted")))
                .filter(p -> !query.containsKey("Hold") || p.hold() == Boolean.parseBoolean(query.get("Hold")))
                .map(p -> participantResource(p, false)).toList();
        return new Answer(200, page("participants", path, query, found));
    }

    /**
     * {@code POST Participants.json}: Twilio calls {@code To} and puts the call in the conference named in the path
     * (its SID, or its FriendlyName: then the active conference of that name, or a new one).
     */
    private Answer addParticipant(HttpExchange http, String conference) throws IOException {
        Map<String, List<String>> form = formValues(body(http));
        Answer refused = missingNumber(form);
        if (refused != null) {
            return refused;
        }
        try {
            ParticipantView participant = simulator.addParticipant(conference, new Exchange.ParticipantRequest(
                    first(form, "From"), first(form, "To"), first(form, "Label"), integer(form, "Timeout", Exchange.DEFAULT_TIMEOUT_SECONDS),
                    statusCallback(form, "StatusCallback", "StatusCallbackMethod", "StatusCallbackEvent"),
                    bool(form, "StartConferenceOnEnter", true), bool(form, "EndConferenceOnExit", false),
                    bool(form, "Muted", false), first(form, "WaitUrl"), method(form, "WaitMethod", "POST"),
                    first(form, "ConferenceStatusCallback"), method(form, "ConferenceStatusCallbackMethod", "POST"),
                    words(form.get("ConferenceStatusCallbackEvent"))));
            return new Answer(201, participantResource(participant, true));
        } catch (Exchange.InvalidTo e) {
            return twilioError(400, 21211, e.getMessage());
        } catch (IllegalArgumentException e) {
            return twilioError(400, 20001, e.getMessage());
        }
    }

    private Answer updateParticipant(HttpExchange http, String conferenceSid, String participant) throws IOException {
        Map<String, List<String>> form = formValues(body(http));
        ParticipantView updated = simulator.updateParticipant(conferenceSid, participant,
                new Exchange.ParticipantUpdate(optionalBool(form, "Muted"), optionalBool(form, "Hold"),
                        first(form, "HoldUrl"), method(form, "HoldMethod", null), first(form, "AnnounceUrl"),
                        method(form, "AnnounceMethod", null), optionalBool(form, "EndConferenceOnExit")));
        return new Answer(200, participantResource(updated, false));
    }

    private Answer updateCall(HttpExchange http, String callSid) throws IOException {
        Map<String, String> form = form(body(http));
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

    /** Twilio's Conference resource. */
    private Map<String, Object> conferenceResource(ConferenceView conference) {
        String uri = "/2010-04-01/Accounts/" + simulator.accountSid() + "/Conferences/" + conference.sid();
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("account_sid", simulator.accountSid());
        resource.put("api_version", Exchange.API_VERSION);
        resource.put("call_sid_ending_conference", conference.callSidEndingConference());
        resource.put("date_created", TwilioDates.rfc2822(conference.createdAt()));
        resource.put("date_updated", TwilioDates.rfc2822(conference.updatedAt()));
        resource.put("friendly_name", conference.friendlyName());
        resource.put("reason_conference_ended", conference.reasonConferenceEnded());
        resource.put("region", "us1");
        resource.put("sid", conference.sid());
        resource.put("status", conference.status());
        resource.put("subresource_uris", Map.of("participants", uri + "/Participants.json",
                "recordings", uri + "/Recordings.json"));
        resource.put("uri", uri + ".json");
        return resource;
    }

    /** Twilio's Participant resource; {@code queue_time} only in the answer to its creation. */
    private Map<String, Object> participantResource(ParticipantView participant, boolean created) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("account_sid", simulator.accountSid());
        resource.put("call_sid", participant.callSid());
        resource.put("label", participant.label());
        resource.put("call_sid_to_coach", null);
        resource.put("coaching", participant.coaching());
        resource.put("conference_sid", participant.conferenceSid());
        resource.put("date_created", TwilioDates.rfc2822(participant.createdAt()));
        resource.put("date_updated", TwilioDates.rfc2822(participant.updatedAt()));
        resource.put("end_conference_on_exit", participant.endConferenceOnExit());
        resource.put("muted", participant.muted());
        resource.put("hold", participant.hold());
        resource.put("status", participant.status());
        resource.put("start_conference_on_enter", participant.startConferenceOnEnter());
        resource.put("queue_time", created ? "0" : null);
        resource.put("uri", "/2010-04-01/Accounts/" + simulator.accountSid() + "/Conferences/"
                + participant.conferenceSid() + "/Participants/" + participant.callSid() + ".json");
        return resource;
    }

    /** One of Twilio's list pages ({@code PageSize}, {@code Page}), the items under {@code key}. */
    private static Map<String, Object> page(String key, String path, Map<String, String> query,
            List<Map<String, Object>> items) {
        int size = Math.max(1, Math.min(1000, parseOr(query.get("PageSize"), PAGE_SIZE)));
        int page = Math.max(0, parseOr(query.get("Page"), 0));
        int start = Math.min(items.size(), page * size);
        int end = Math.min(items.size(), start + size);
        Map<String, String> filters = new LinkedHashMap<>(query);
        filters.remove("PageSize");
        filters.remove("Page");
        filters.remove("PageToken");
        String base = path + "?" + (filters.isEmpty() ? "" : WebhookDelivery.form(filters) + "&") + "PageSize=" + size;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(key, items.subList(start, end));
        answer.put("end", Math.max(start, end - 1));
        answer.put("first_page_uri", base + "&Page=0");
        answer.put("next_page_uri", end < items.size() ? base + "&Page=" + (page + 1) : null);
        answer.put("page", page);
        answer.put("page_size", size);
        answer.put("previous_page_uri", page > 0 ? base + "&Page=" + (page - 1) : null);
        answer.put("start", start);
        answer.put("uri", base + "&Page=" + page);
        return answer;
    }

    private static int parseOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
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

    /** A form or query string; a name given more than once keeps its last value. */
    static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        formValues(body).forEach((name, values) -> params.put(name, values.get(values.size() - 1)));
        return params;
    }

    /** A form or query string, every value of a name given more than once ({@code StatusCallbackEvent}). */
    static Map<String, List<String>> formValues(String body) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String body(HttpExchange http) throws IOException {
        return new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The parameter's first value; null when absent or blank. */
    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static String method(Map<String, List<String>> form, String name, String fallback) {
        String value = first(form, name);
        return value == null ? fallback : value.toUpperCase(Locale.ROOT);
    }

    private static int integer(Map<String, List<String>> form, String name, int fallback) {
        String value = first(form, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value);
        }
    }

    /** Twilio reads anything but {@code true} as false. */
    private static boolean bool(Map<String, List<String>> form, String name, boolean fallback) {
        String value = first(form, name);
        return value == null ? fallback : Boolean.parseBoolean(value.trim());
    }

    private static Boolean optionalBool(Map<String, List<String>> form, String name) {
        String value = first(form, name);
        return value == null ? null : Boolean.parseBoolean(value.trim());
    }

    /** Values given repeated or space-separated, lower case. */
    private static Set<String> words(List<String> values) {
        Set<String> words = new LinkedHashSet<>();
        if (values != null) {
            for (String value : values) {
                words.addAll(Arrays.asList(value.trim().toLowerCase(Locale.ROOT).split("[\\s,]+")));
            }
        }
        words.remove("");
        return words;
    }

    /** A call's status callback; without {@code StatusCallbackEvent} Twilio reports the end only. */
    private static Exchange.StatusCallback statusCallback(Map<String, List<String>> form, String url, String method,
            String events) {
        Set<String> wanted = words(form.get(events));
        return new Exchange.StatusCallback(first(form, url), method(form, method, "POST"),
                wanted.isEmpty() ? Set.of("completed") : wanted);
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
