package io.switchboard.gateway.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.Roles;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.repository.CallHistoryRepository;
import io.switchboard.gateway.repository.CallHistoryRepository.Outcome;
import io.switchboard.gateway.repository.CallHistoryRepository.PastCall;
import io.switchboard.gateway.repository.CallHistoryRepository.Position;
import io.switchboard.gateway.security.AgentIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The call history of the signed-in agent's tenant: its calls that are over, newest first, a page at a time. Needs
 * the agent's own token (as a bearer header), and answers only for an agent who is still active; a tenant's history
 * is its own, whatever the request names.
 */
@Path("/api/calls")
@RolesAllowed(Roles.AGENT)
@Tag(name = "Call history")
public class CallHistoryResource {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    /** A page of calls; {@code next} is the cursor of the next page, null on the last. */
    public record Page(List<PastCall> calls, String next) {
    }

    private final CallHistoryRepository history;
    private final AgentDirectory directory;
    private final SecurityIdentity caller;

    public CallHistoryResource(CallHistoryRepository history, AgentDirectory directory, SecurityIdentity caller) {
        this.history = history;
        this.directory = directory;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The tenant's calls that are over, newest first, a page at a time")
    @APIResponse(responseCode = "200", description = "A page of calls, and the cursor of the next",
            content = @Content(schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "A parameter it cannot read; the message says what to send",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No token, or one that is not valid")
    @APIResponse(responseCode = "403", description = "Not an agent's token, or the agent is deactivated")
    public Uni<Response> search(
            @Parameter(description = "Calls a page holds, 1 to 200 (50)") @QueryParam("limit") String limit,
            @Parameter(description = "The next of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "Calls that started at or after this ISO-8601 instant") @QueryParam("since")
            String since,
            @Parameter(description = "Calls that started before this ISO-8601 instant") @QueryParam("until")
            String until,
            @Parameter(description = "Calls with this E.164 number on either side") @QueryParam("number")
            String number,
            @Parameter(description = "Calls this agent held last") @QueryParam("agent") String agent,
            @Parameter(description = "How the calls ended: answered, abandoned (the caller hung up while waiting),"
                    + " voicemail, forwarded, missed_after_hours, transferred or outbound") @QueryParam("outcome")
            String outcome) {
        Optional<AgentIdentity> signedIn = AgentIdentity.of(caller);
        if (signedIn.isEmpty()) {
            return Problem.refusal(Response.Status.FORBIDDEN, Problem.NO_AGENT);
        }
        CallHistoryRepository.Search search;
        try {
            search = new CallHistoryRepository.Search(signedIn.get().tenantId(), instant("since", since),
                    instant("until", until), blankToNull(number), blankToNull(agent), outcome(outcome),
                    position(cursor), limit(limit));
        } catch (IllegalArgumentException e) {
            return Problem.refusal(Response.Status.BAD_REQUEST, e.getMessage());
        }
        String agentId = signedIn.get().agentId();
        return directory.isActive(search.tenantId(), agentId).chain(active -> active
                ? history.search(search).map(page -> Response.ok(new Page(page.calls(),
                        page.next().map(CallHistoryResource::cursor).orElse(null))).build())
                : Problem.refusal(Response.Status.FORBIDDEN, "Agent '" + agentId + "' is deactivated in tenant '"
                        + search.tenantId() + "'."));
    }

    /** The cursor of a position: opaque to clients, who hand back what {@code next} gave them. */
    static String cursor(Position position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (position.startedAt() + "|" + position.callSid()).getBytes(StandardCharsets.UTF_8));
    }

    private static Position position(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = decoded.indexOf('|');
            return new Position(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
        } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("cursor '" + cursor + "' is not one this endpoint gave: pass the"
                    + " 'next' of the previous page as it is, or none for the newest calls.");
        }
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + "; it was '"
                + limit + "'.");
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-12-06T09:00:00Z;"
                    + " it was '" + value + "'.");
        }
    }

    private static Outcome outcome(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return Outcome.fromWire(value).orElseThrow(() -> new IllegalArgumentException("outcome must be one of "
                + Arrays.stream(Outcome.values()).map(Outcome::wire).collect(Collectors.joining(", "))
                + "; it was '" + value + "'."));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
