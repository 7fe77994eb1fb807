package io.switchboard.state.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.config.RequestConfig;

/**
 * twilio-java's HTTP client with a configurable API host: every request keeps its path, parameters and
 * credentials but goes to {@code baseUrl} instead of {@code https://api.twilio.com}. This is how the local
 * stack and the tests talk to the Twilio simulator over real HTTP through the real client.
 */
final class BaseUrlHttpClient extends NetworkHttpClient {
    private final String baseUrl;

    BaseUrlHttpClient(String baseUrl, RequestConfig requestConfig) {
        super(requestConfig);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public Response makeRequest(Request request) {
        URI original = URI.create(request.getUrl());
        String path = original.getRawPath() + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery());
        Request routed = new Request(request.getMethod(), baseUrl + path);
        copy(request.getQueryParams(), routed::addQueryParam);
        copy(request.getPostParams(), routed::addPostParam);
        copy(request.getHeaderParams(), routed::addHeaderParam);
        if (request.getAuthStrategy() != null) {
            routed.setAuth(request.getAuthStrategy());
        } else {
            routed.setAuth(request.getUsername(), request.getPassword());
        }
        return super.makeRequest(routed);
    }

    private static void copy(Map<String, List<String>> params, java.util.function.BiConsumer<String, String> to) {
        params.forEach((name, values) -> values.forEach(value -> to.accept(name, value)));
    }
}
