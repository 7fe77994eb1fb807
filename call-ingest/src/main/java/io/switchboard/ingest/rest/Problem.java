package io.switchboard.ingest.rest;

import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem: for refusals a person reads, not Twilio's debugger (which gets plain text). */
public record Problem(String title, int status, String detail) {
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Why a body that is not a form is refused, even when Twilio signed it. */
    public static String formsOnly(String contentType) {
        return "Twilio's voice webhooks are form-encoded (application/x-www-form-urlencoded); this endpoint takes no "
                + (contentType == null ? "other" : contentType) + " body. Check the webhook's configuration in"
                + " Twilio: a voice URL or status callback, method POST.";
    }

    public static Response response(Response.Status status, String detail) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem(status.getReasonPhrase(), status.getStatusCode(), detail)).build();
    }
}
