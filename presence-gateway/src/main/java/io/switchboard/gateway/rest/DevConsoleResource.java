package io.switchboard.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.repository.AgentDirectory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * What the console needs on the local stack only: the seeded agents for its sign-in picker, and its "simulate"
 * panel, which places and hangs up calls through the Twilio simulator's control API (the simulator sends no CORS
 * headers, so the page cannot call it itself). Everything here answers 404 unless
 * {@code switchboard.dev.tokens-enabled=true}; the simulator part also needs {@code switchboard.dev.simulator-url}.
 */
@Path("/dev")
public class DevConsoleResource {
    private static final Pattern PHONE_NUMBER = Pattern.compile("\\+?[0-9]{3,15}");
    private static final Pattern CALL_SID = Pattern.compile("CA[0-9a-zA-Z]{1,64}");
    private static final Duration SIMULATOR_TIMEOUT = Duration.ofSeconds(5);

    public record AgentChoice(String id, String name) {
    }

    public record Simulator(List<String> numbers) {
    }

    public record PlaceCall(String from, String to) {
    }

    private final GatewayConfig config;
    private final AgentDirectory directory;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(SIMULATOR_TIMEOUT).build();

    public DevConsoleResource(GatewayConfig config, AgentDirectory directory) {
        this.config = config;
        this.directory = directory;
    }

    @GET
    @Path("/agents")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<AgentChoice>> agents(@RestQuery String tenant) {
        requireDevTokens();
        return directory.activeAgents(tenant == null ? "" : tenant)
                .map(agents -> agents.stream().map(a -> new AgentChoice(a.getKey(), a.getValue())).toList());
    }

    /** The numbers a simulated caller can dial; 404 when the gateway has no simulator (real Twilio, production). */
    @GET
    @Path("/simulator")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Simulator> simulator(@RestQuery String tenant) {
        simulatorUrl();
        return directory.numbers(tenant == null ? "" : tenant).map(Simulator::new);
    }

    @POST
    @Path("/simulator/calls")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> placeCall(PlaceCall call) {
        String base = simulatorUrl();
        if (call == null || call.from() == null || !PHONE_NUMBER.matcher(call.from()).matches()
                || call.to() == null || !PHONE_NUMBER.matcher(call.to()).matches()) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST,
                    "Give both numbers in E.164, e.g. {\"from\":\"+15551230000\",\"to\":\"+15005550006\"}"));
        }
        // Built here from the two checked numbers rather than passing the page's body through.
        String body = "{\"from\":\"" + call.from() + "\",\"to\":\"" + call.to() + "\"}";
        return forward(HttpRequest.newBuilder(URI.create(base + "/sim/calls"))
                .header("Content-Type", MediaType.APPLICATION_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @POST
    @Path("/simulator/calls/{callSid}/hangup")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> callerHangsUp(@RestPath String callSid) {
        String base = simulatorUrl();
        if (!CALL_SID.matcher(callSid).matches()) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST, "Not a call SID: " + callSid));
        }
        return forward(HttpRequest.newBuilder(URI.create(base + "/sim/calls/" + callSid + "/hangup"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The simulator's answer, status and body as they are; 502 when it cannot be reached. */
    private Uni<Response> forward(HttpRequest.Builder request) {
        return Uni.createFrom()
                .completionStage(() -> http.sendAsync(request.timeout(SIMULATOR_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .map(answer -> Response.status(answer.statusCode())
                        .type(answer.headers().firstValue("Content-Type").orElse(MediaType.TEXT_PLAIN))
                        .entity(answer.body()).build())
                .onFailure().recoverWithItem(e -> Problem.response(Response.Status.BAD_GATEWAY,
                        "The Twilio simulator did not answer: " + e));
    }

    private void requireDevTokens() {
        if (!config.dev().tokensEnabled()) {
            throw new NotFoundException();
        }
    }

    private String simulatorUrl() {
        requireDevTokens();
        return config.dev().simulatorUrl().map(url -> url.replaceAll("/+$", ""))
                .orElseThrow(NotFoundException::new);
    }
}
