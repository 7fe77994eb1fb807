package io.switchboard.gateway.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.AdminRequest;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Roles;
import io.switchboard.contract.TenantSettings;
import io.switchboard.gateway.repository.AdminRepository;
import io.switchboard.gateway.repository.AdminRepository.AuditRecord;
import io.switchboard.gateway.repository.AdminRepository.ManagedAgent;
import io.switchboard.gateway.repository.AgentDirectory;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.service.CommandService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant run without SQL: its admins manage agents, numbers and settings. Reads come from PostgreSQL; every write is
 * a command to call-state, the one writer, which validates it, stores it with its audit entry and announces it in the
 * tenant's ordered stream in one transaction, and answers once it is stored. The tenant is the admin's token's:
 * another tenant's agents and numbers are not found here (404), whatever the request names.
 *
 * <p>Needs a token with the {@code admin} group of an agent the tenant still records as an active admin, so taking the
 * role away works at once, not only when the token expires.
 */
@Path("/api/admin")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
@APIResponse(responseCode = "401", description = "No token, or one that is not valid")
@APIResponse(responseCode = "403", description = "Not an admin's token, or the tenant no longer records its agent as an"
        + " active admin", content = @Content(schema = @Schema(implementation = Problem.class)))
public class AdminResource {
    static final int DEFAULT_AUDIT_LIMIT = 50;
    static final int MAX_AUDIT_LIMIT = 200;

    /** A new agent: an id for their tokens ({@code sub}), a name for screens, roles among agent, supervisor, admin. */
    public record NewAgent(String id, String name, List<String> roles) {
    }

    /** What to change of an agent; a field left out stays as it is. {@code active: false} deactivates. */
    public record AgentChange(String name, List<String> roles, Boolean active) {
    }

    public record NewNumber(String phoneNumber) {
    }

    public record Numbers(List<String> numbers) {
    }

    /** A page of the audit, newest first; {@code next} is the {@code before} of the next page, null on the last. */
    public record AuditPage(List<AuditRecord> entries, Long next) {
    }

    private final AdminRepository admin;
    private final AgentDirectory directory;
    private final CommandService commands;
    private final SecurityIdentity caller;

    public AdminResource(AdminRepository admin, AgentDirectory directory, CommandService commands,
            SecurityIdentity caller) {
        this.admin = admin;
        this.directory = directory;
        this.commands = commands;
        this.caller = caller;
    }

    @GET
    @Path("/agents")
    @Operation(summary = "The tenant's agents, deactivated ones too, with their roles")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ManagedAgent[].class)))
    public Uni<Response> agents() {
        return asAdmin(me -> admin.agents(me.tenantId()).map(agents -> Response.ok(agents).build()));
    }

    @POST
    @Path("/agents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adds an agent: every screen of the tenant shows them at once, signed out")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ManagedAgent.class)))
    @APIResponse(responseCode = "400", description = "An id, name or roles that cannot be used; nothing was written",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The tenant has an agent of that id already",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> addAgent(NewAgent agent) {
        if (agent == null) {
            return Problem.refusal(Response.Status.BAD_REQUEST, "Send the agent: {\"id\", \"name\", \"roles\"}.");
        }
        return asAdmin(me -> write(me, new AdminRequest.AddAgent(agent.id(), agent.name(), agent.roles()),
                () -> admin.agent(me.tenantId(), agent.id()).map(written -> Response.status(Response.Status.CREATED)
                        .entity(written.orElseThrow()).build())));
    }

    @PATCH
    @Path("/agents/{agentId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Renames an agent, sets their roles, deactivates or reactivates them",
            description = "A deactivated agent leaves every team board, their open screens close (4403 deactivated)"
                    + " and their tokens stop working. Roles take effect with the agent's next token.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ManagedAgent.class)))
    @APIResponse(responseCode = "400", description = "A name or roles that cannot be used; nothing was written",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "The tenant has no such agent",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The agent is on a call, or would leave the tenant without an"
            + " admin", content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> changeAgent(@PathParam("agentId") String agentId, AgentChange change) {
        if (change == null) {
            return Problem.refusal(Response.Status.BAD_REQUEST,
                    "Send what to change: {\"name\", \"roles\", \"active\"}, any of them.");
        }
        return asAdmin(me -> write(me, new AdminRequest.ChangeAgent(agentId, change.name(), change.roles(),
                change.active()), () -> admin.agent(me.tenantId(), agentId)
                        .map(written -> Response.ok(written.orElseThrow()).build())));
    }

    @GET
    @Path("/numbers")
    @Operation(summary = "The Twilio numbers that reach the tenant")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Numbers.class)))
    public Uni<Response> numbers() {
        return asAdmin(me -> numbersOf(me, Response.Status.OK));
    }

    @POST
    @Path("/numbers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Makes a number of the Twilio account reach the tenant",
            description = "Point the number's voice webhooks at call-ingest in Twilio too (docs/operations.md).")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = Numbers.class)))
    @APIResponse(responseCode = "400", description = "Not a number in E.164",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The number reaches another tenant",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> addNumber(NewNumber number) {
        if (number == null) {
            return Problem.refusal(Response.Status.BAD_REQUEST,
                    "Send the number: {\"phoneNumber\": \"+15005550006\"}.");
        }
        return asAdmin(me -> write(me, new AdminRequest.AddNumber(number.phoneNumber()),
                () -> numbersOf(me, Response.Status.CREATED)));
    }

    @DELETE
    @Path("/numbers/{phoneNumber}")
    @Operation(summary = "Stops a number reaching the tenant")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "The tenant has no such number",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> removeNumber(@Parameter(description = "The number in E.164, + written as is or as %2B")
            @PathParam("phoneNumber") String phoneNumber) {
        return asAdmin(me -> write(me, new AdminRequest.RemoveNumber(phoneNumber),
                () -> Uni.createFrom().item(Response.noContent().build())));
    }

    @GET
    @Path("/settings")
    @Operation(summary = "The tenant's settings: parking lot, its own times, the wait limit and business hours")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TenantSettings.class)))
    public Uni<Response> settings() {
        return asAdmin(me -> admin.settings(me.tenantId()).map(settings -> Response.ok(settings).build()));
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replaces the tenant's settings with what GET gave, edited",
            description = "A time left null is the service's default. Applies to the next decision: no restart.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TenantSettings.class)))
    @APIResponse(responseCode = "400", description = "A setting that cannot be used (the message names it), or a"
            + " slot range that leaves out a parked call; nothing was written",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> replaceSettings(TenantSettings settings) {
        if (settings == null) {
            return Problem.refusal(Response.Status.BAD_REQUEST, "Send the settings as GET /api/admin/settings gives"
                    + " them.");
        }
        return asAdmin(me -> write(me, new AdminRequest.ChangeSettings(settings),
                () -> admin.settings(me.tenantId()).map(written -> Response.ok(written).build())));
    }

    @GET
    @Path("/audit")
    @Operation(summary = "The tenant's admin writes, newest first: who, when, what, the values before and after")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AuditPage.class)))
    @APIResponse(responseCode = "400", description = "A limit or before it cannot read",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Uni<Response> audit(@Parameter(description = "Entries a page holds, 1 to 200 (50)") @QueryParam("limit")
            Integer limit, @Parameter(description = "The next of the previous page") @QueryParam("before")
            Long before) {
        int size = limit == null ? DEFAULT_AUDIT_LIMIT : limit;
        if (size < 1 || size > MAX_AUDIT_LIMIT) {
            return Problem.refusal(Response.Status.BAD_REQUEST, "limit must be from 1 to " + MAX_AUDIT_LIMIT + ".");
        }
        return asAdmin(me -> admin.audit(me.tenantId(), before, size).map(entries -> Response.ok(new AuditPage(
                entries, entries.size() < size ? null : entries.get(entries.size() - 1).id())).build()));
    }

    private Uni<Response> numbersOf(AgentIdentity me, Response.Status status) {
        return directory.numbers(me.tenantId()).map(numbers -> Response.status(status).entity(new Numbers(numbers))
                .build());
    }

    private interface AdminWork {
        Uni<Response> run(AgentIdentity admin);
    }

    /** Runs {@code work} for an admin the tenant still records as an active admin; 403 for anyone else. */
    private Uni<Response> asAdmin(AdminWork work) {
        Optional<AgentIdentity> signedIn = AgentIdentity.of(caller);
        if (signedIn.isEmpty()) {
            return Problem.refusal(Response.Status.FORBIDDEN, Problem.NO_AGENT);
        }
        AgentIdentity me = signedIn.get();
        return directory.rolesOf(me.tenantId(), me.agentId()).chain(roles -> roles.filter(
                recorded -> recorded.contains(Roles.ADMIN)).isPresent() ? work.run(me)
                        : Problem.refusal(Response.Status.FORBIDDEN, "Agent '" + me.agentId() + "' is not an active"
                                + " admin of tenant '" + me.tenantId() + "'."));
    }

    /**
     * Has call-state carry out the write and answers with {@code written} once it is stored, or with call-state's
     * refusal: 400 for input it cannot use, 404 for what the tenant does not have, 409 for a conflict with what is.
     */
    private Uni<Response> write(AgentIdentity me, AdminRequest request, Supplier<Uni<Response>> written) {
        AgentCommand command = new AgentCommand(UUID.randomUUID().toString(), me.tenantId(), me.agentId(),
                AgentCommand.Type.ADMIN, null, null, null, new AgentCommand.ReplyTo(commands.gatewayId(), "admin-api"),
                Instant.now(), null, null, null, request);
        return commands.ask(command)
                .chain(reply -> {
                    if (reply.isEmpty()) {
                        return Problem.refusal(Response.Status.GATEWAY_TIMEOUT, "call-state did not answer within "
                                + commands.replyTimeout().toSeconds() + " s; the write may still be applied: read it"
                                + " back before trying again.");
                    }
                    AgentReply answer = reply.get();
                    return answer.accepted() ? written.get()
                            : Problem.refusal(status(answer.code()), answer.message());
                })
                .onFailure().recoverWithItem(failure -> Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                        failure.getMessage()));
    }

    private static Response.Status status(String code) {
        if (ErrorCode.UNKNOWN_AGENT.wire().equals(code) || ErrorCode.NUMBER_NOT_FOUND.wire().equals(code)) {
            return Response.Status.NOT_FOUND;
        }
        if (ErrorCode.AGENT_EXISTS.wire().equals(code) || ErrorCode.NUMBER_TAKEN.wire().equals(code)
                || ErrorCode.LAST_ADMIN.wire().equals(code) || ErrorCode.AGENT_BUSY.wire().equals(code)) {
            return Response.Status.CONFLICT;
        }
        if (ErrorCode.UNAVAILABLE.wire().equals(code)) {
            return Response.Status.SERVICE_UNAVAILABLE;
        }
        return Response.Status.BAD_REQUEST;
    }
}
