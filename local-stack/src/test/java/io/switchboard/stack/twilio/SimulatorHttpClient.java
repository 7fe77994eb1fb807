package io.switchboard.stack.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;

/**
 * twilio-java's own HTTP client, pointed at the simulator: twilio-java builds {@code https://api.twilio.com/...}
 * URLs, and this sends each request to the same path on the simulator. Test code only; call-state has its own.
 */
final class SimulatorHttpClient extends NetworkHttpClient {
    private final String baseUrl;

    SimulatorHttpClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public Response makeRequest(Request request) {
        URI original = URI.create(request.getUrl());
        Request rewritten = new Request(request.getMethod(), baseUrl + original.getRawPath());
        if (request.getAuthStrategy() != null) {
            rewritten.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            rewritten.setAuth(request.getUsername(), request.getPassword());
        }
        request.getQueryParams().forEach((name, values) -> values.forEach(v -> rewritten.addQueryParam(name, v)));
        request.getPostParams().forEach((name, values) -> values.forEach(v -> rewritten.addPostParam(name, v)));
        request.getHeaderParams().forEach((name, values) -> values.forEach(v -> rewritten.addHeaderParam(name, v)));
        rewritten.setContentType(request.getContentType());
        rewritten.setBody(request.getBody());
        rewritten.setFormParameters(request.getFormParameters());
        rewritten.setUserAgentExtensions(request.getUserAgentExtensions());
        return super.makeRequest(rewritten);
    }
}
