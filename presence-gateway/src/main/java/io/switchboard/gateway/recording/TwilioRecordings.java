package io.switchboard.gateway.recording;

import io.switchboard.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Fetches a voicemail's recording from Twilio with the account's credentials, as a stream: the gateway hands the audio
 * on as it arrives and never holds a whole file. Only URLs under the configured REST API base are fetched, so a stored
 * URL pointing elsewhere never receives the credentials. Blocking: call it from a worker thread.
 */
@ApplicationScoped
public class TwilioRecordings {
    private static final Logger LOG = Logger.getLogger(TwilioRecordings.class);

    /** What a fetch gave: the audio, or why there is none as the agent should hear it. */
    public sealed interface Fetch {
    }

    /** Twilio's WAV; {@code length} is Twilio's Content-Length when it sent one. The caller closes {@code body}. */
    public record Audio(InputStream body, OptionalLong length) implements Fetch {
    }

    /** @param status the HTTP status the agent gets: 404, 502 or 503 */
    public record Refusal(int status, String message) implements Fetch {
    }

    static final String NOT_CONFIGURED = "Voicemail playback is not configured on this gateway: it needs TWILIO_ACCOUNT_SID"
            + " with TWILIO_AUTH_TOKEN, or an API key (TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET).";

    private final URI base;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;

    public TwilioRecordings(GatewayConfig config) {
        this.base = apiBase(config.twilio().apiBaseUrl());
        this.authorization = credentials(config.voice(), config.twilio());
        this.timeout = config.twilio().recordingTimeout();
        // Redirects are followed by hand (see fetch): the credentials must not travel with them.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The account and its auth token, as call-state uses them for Twilio's REST API; without the token, the
     * softphone's API key (Twilio takes either for a recording's media).
     */
    static Optional<String> credentials(GatewayConfig.Voice voice, GatewayConfig.Twilio twilio) {
        String user;
        String password;
        if (voice.accountSid().isPresent() && twilio.authToken().isPresent()) {
            user = voice.accountSid().get();
            password = twilio.authToken().get();
        } else if (voice.apiKeySid().isPresent() && voice.apiKeySecret().isPresent()) {
            user = voice.apiKeySid().get();
            password = voice.apiKeySecret().get();
        } else {
            return Optional.empty();
        }
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    static URI apiBase(String value) {
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("switchboard.twilio.api-base-url must be Twilio's REST API, such as"
                    + " https://api.twilio.com; it was '" + value + "'", e);
        }
    }

    /**
     * Whether {@code recordingUrl} is under the REST API base: same scheme, host and port, its path below the base's,
     * and nothing that could lead elsewhere (credentials in the URL, a query, dot segments, escapes).
     */
    static boolean under(URI base, String recordingUrl) {
        URI url;
        try {
            url = new URI(recordingUrl);
        } catch (URISyntaxException e) {
            return false;
        }
        String path = url.getRawPath();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        return url.isAbsolute() && url.getScheme().equalsIgnoreCase(base.getScheme())
                && url.getHost() != null && url.getHost().equalsIgnoreCase(base.getHost())
                && port(url) == port(base) && url.getRawUserInfo() == null && url.getRawQuery() == null
                && url.getRawFragment() == null && path != null && path.startsWith(basePath + "/")
                && !path.contains("/.") && !path.contains("%") && !path.contains("//");
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    /** Twilio serves a recording as WAV at its URL with {@code .wav} appended. */
    public Fetch fetch(String voicemailId, String recordingUrl) {
        if (authorization.isEmpty()) {
            return new Refusal(503, NOT_CONFIGURED);
        }
        if (!under(base, recordingUrl)) {
            LOG.errorf("Voicemail %s has a recording URL outside Twilio's API (%s): not fetched; the URL stored was %s",
                    voicemailId, base, recordingUrl);
            return new Refusal(502, "The voicemail's recording is not at Twilio's API, so the gateway does not fetch"
                    + " it; the gateway's log names the URL.");
        }
        URI wav = URI.create(recordingUrl + ".wav");
        HttpResponse<InputStream> answer;
        try {
            answer = send(HttpRequest.newBuilder(wav).header("Authorization", authorization.get()));
            if (answer.statusCode() / 100 == 3) {
                // Twilio pointing at where the media is (a short-lived signed URL): fetched once, without credentials.
                Optional<String> location = answer.headers().firstValue("Location");
                answer.body().close();
                if (location.isEmpty()) {
                    return new Refusal(502, "Twilio answered " + answer.statusCode()
                            + " for the recording without saying where it is.");
                }
                answer = send(HttpRequest.newBuilder(wav.resolve(location.get())));
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("Voicemail %s: fetching %s failed: %s", voicemailId, wav, e.toString());
            return new Refusal(502, "Twilio could not be reached for the recording (" + e.getClass().getSimpleName()
                    + "); try again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Refusal(502, "The recording's fetch was interrupted; try again.");
        }
        int status = answer.statusCode();
        if (status == 200) {
            OptionalLong length = answer.headers().firstValueAsLong("Content-Length");
            return new Audio(answer.body(), length);
        }
        closeQuietly(answer.body());
        LOG.warnf("Voicemail %s: Twilio answered %d for %s", voicemailId, status, wav);
        if (status == 404) {
            return new Refusal(404, "Twilio has no such recording: it may have been deleted there.");
        }
        if (status == 401 || status == 403) {
            return new Refusal(502, "Twilio refused the gateway's credentials for the recording (" + status
                    + "): check the account's auth token or API key.");
        }
        return new Refusal(502, "Twilio answered " + status + " for the recording; try again later.");
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // nothing to keep from a refused answer's body
        }
    }
}
