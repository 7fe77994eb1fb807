package io.switchboard.gateway.rest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Every refusal of the gateway's HTTP endpoints: a status and a sentence that says what to do. */
public record Problem(String message) {
    /** Why a token that passed authentication is refused all the same. */
    static final String NO_AGENT = "The token names no agent and tenant (claims sub and tenant).";

    public static Response response(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new Problem(message)).build();
    }

    /** {@link #response}, for an endpoint that answers a {@link Uni}. */
    public static Uni<Response> refusal(Response.Status status, String message) {
        return Uni.createFrom().item(response(status, message));
    }
}
