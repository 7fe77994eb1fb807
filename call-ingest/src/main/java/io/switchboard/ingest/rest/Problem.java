package io.switchboard.ingest.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

/** An RFC 9457 problem: for refusals a person reads, not Twilio's debugger (which gets plain text). */
public record Problem(String title, int status, String detail) {
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Why a body that is not a form is refused (415), even when Twilio signed it. */
    public static Problem formsOnly(String contentType) {
        HttpResponseStatus status = HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE;
        return new Problem(status.reasonPhrase(), status.code(), "Twilio's voice webhooks are form-encoded"
                + " (application/x-www-form-urlencoded); this endpoint takes no "
                + (contentType == null ? "other" : contentType) + " body. Check the webhook's configuration in"
                + " Twilio: a voice URL or status callback, method POST.");
    }
}
