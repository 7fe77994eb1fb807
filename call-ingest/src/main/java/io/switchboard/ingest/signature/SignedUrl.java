package io.switchboard.ingest.signature;

import java.net.URI;

/**
 * The URL Twilio signed for a request: the configured public base URL, the request's path and its raw query
 * string. Twilio signs the URL it was given, so the request's own Host header is not trusted; forwarded headers
 * only when the operator says the proxy in front is trusted.
 */
public final class SignedUrl {
    private SignedUrl() {
    }

    /**
     * @param publicBaseUrl {@code PUBLIC_BASE_URL}; a trailing slash is ignored
     * @param rawPath the request path as received (still percent-encoded)
     * @param rawQuery the raw query string, or null when the request has none
     * @param forwardedProto {@code X-Forwarded-Proto}, or null
     * @param forwardedHost {@code X-Forwarded-Host}, or null
     * @param trustForwarded whether the forwarded headers may override scheme and host
     */
    public static String of(String publicBaseUrl, String rawPath, String rawQuery, String forwardedProto,
            String forwardedHost, boolean trustForwarded) {
        String base = stripTrailingSlash(publicBaseUrl);
        if (trustForwarded) {
            base = withForwarded(base, firstValue(forwardedProto), firstValue(forwardedHost));
        }
        return base + rawPath + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    public static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? stripTrailingSlash(url.substring(0, url.length() - 1)) : url;
    }

    private static String withForwarded(String base, String proto, String host) {
        if (proto == null && host == null) {
            return base;
        }
        URI uri = URI.create(base);
        String scheme = proto != null ? proto : uri.getScheme();
        String authority = host != null ? host : uri.getRawAuthority();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + "://" + authority + path;
    }

    /** A proxy chain appends to these headers; the first value is what the client (Twilio) used. */
    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        String first = header.split(",", 2)[0].trim();
        return first.isEmpty() ? null : first;
    }
}
