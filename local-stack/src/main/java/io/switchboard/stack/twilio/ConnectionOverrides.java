package io.switchboard.stack.twilio;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * How Twilio connects to one webhook URL, from the URL's fragment
 * ({@code https://host/path?q=1#ct=1000&rc=3&rp=ct,5xx}), as Twilio's "Webhooks (HTTP callbacks): Connection
 * Overrides" describes it. The fragment never leaves Twilio: the
 * request goes to the URL without it, and the signature covers the URL without it.
 *
 * <p>A value outside its range is clamped into it; a value that is not a number counts as absent (the default), with
 * a warning. {@code e} (edge) and {@code sni} mean nothing on a loopback and are ignored, as are unknown keys.
 *
 * @param connectTimeout {@code ct}: how long establishing the TCP connection may take (100 ms–10 s, default 5 s)
 * @param readTimeout    {@code rt}: how long the answer may take once the request is sent (100 ms–15 s, default 15 s)
 * @param totalTime      {@code tt}: how long all attempts together may take, retries included (100 ms–15 s,
 *                       default 15 s); never exceeded
 * @param retryCount     {@code rc}: how many times a failed attempt is tried again (0–5, default 1)
 * @param retryPolicy    {@code rp}: which failures are tried again ({@code 4xx}, {@code 5xx}, {@code ct}, {@code rt},
 *                       or {@code all}; default {@code ct}: only a connection that could not be made)
 */
record ConnectionOverrides(Duration connectTimeout, Duration readTimeout, Duration totalTime, int retryCount,
        Set<Failure> retryPolicy) {
    private static final System.Logger LOG = System.getLogger(TwilioSimulator.class.getName());

    /** What a URL without a fragment gets. */
    static final ConnectionOverrides DEFAULTS = new ConnectionOverrides(Duration.ofMillis(5_000),
            Duration.ofMillis(15_000), Duration.ofMillis(15_000), 1, EnumSet.of(Failure.CONNECT));

    /** Why an attempt got no 2xx, in the terms of {@code rp}. */
    enum Failure {
        /** {@code ct}: the connection could not be made (refused, unreachable, connect timeout). */
        CONNECT("ct"),
        /** {@code rt}: connected, but the answer did not come in time (or the connection broke before it came). */
        READ("rt"),
        /** {@code 4xx}. */
        CLIENT_ERROR("4xx"),
        /** {@code 5xx}. */
        SERVER_ERROR("5xx");

        final String code;

        Failure(String code) {
            this.code = code;
        }

        /** The class of an HTTP answer that is not a 2xx; null for one {@code rp} cannot name (1xx, 3xx). */
        static Failure ofStatus(int status) {
            if (status >= 400 && status < 500) {
                return CLIENT_ERROR;
            }
            return status >= 500 && status < 600 ? SERVER_ERROR : null;
        }
    }

    ConnectionOverrides {
        retryPolicy = Set.copyOf(retryPolicy);
    }

    boolean retries(Failure failure) {
        return failure != null && retryPolicy.contains(failure);
    }

    /** {@code url} without its fragment: where the request goes, and what the signature covers. */
    static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }

    /** The overrides {@code url}'s fragment sets, the rest left at Twilio's defaults. */
    static ConnectionOverrides of(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? DEFAULTS : parse(url.substring(hash + 1));
    }

    /** {@code fragment}: the text after the {@code #}. */
    static ConnectionOverrides parse(String fragment) {
        long ct = DEFAULTS.connectTimeout.toMillis();
        long rt = DEFAULTS.readTimeout.toMillis();
        long tt = DEFAULTS.totalTime.toMillis();
        long rc = DEFAULTS.retryCount;
        Set<Failure> rp = DEFAULTS.retryPolicy;
        for (String pair : fragment.split("&")) {
            int equals = pair.indexOf('=');
            String key = (equals < 0 ? pair : pair.substring(0, equals)).strip();
            String value = equals < 0 ? "" : pair.substring(equals + 1).strip();
            switch (key) {
                case "ct" -> ct = clamped(fragment, key, value, DEFAULTS.connectTimeout.toMillis(), 100, 10_000);
                case "rt" -> rt = clamped(fragment, key, value, DEFAULTS.readTimeout.toMillis(), 100, 15_000);
                case "tt" -> tt = clamped(fragment, key, value, DEFAULTS.totalTime.toMillis(), 100, 15_000);
                case "rc" -> rc = clamped(fragment, key, value, DEFAULTS.retryCount, 0, 5);
                case "rp" -> rp = policy(fragment, value);
                default -> {
                    // e (edge), sni and keys Twilio may add later: nothing the simulator acts on.
                }
            }
        }
        return new ConnectionOverrides(Duration.ofMillis(ct), Duration.ofMillis(rt), Duration.ofMillis(tt), (int) rc,
                rp);
    }

    private static long clamped(String fragment, String key, String value, long otherwise, long min, long max) {
        try {
            return Math.max(min, Math.min(max, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "Connection override {0}={1} in #{2} is not a number; {0} is the "
                    + "default, {3}", key, value, fragment, otherwise);
            return otherwise;
        }
    }

    private static Set<Failure> policy(String fragment, String value) {
        Set<Failure> policy = EnumSet.noneOf(Failure.class);
        for (String code : value.split(",")) {
            String wanted = code.strip().toLowerCase(Locale.ROOT);
            if (wanted.equals("all")) {
                policy.addAll(EnumSet.allOf(Failure.class));
                continue;
            }
            boolean known = false;
            for (Failure failure : Failure.values()) {
                if (failure.code.equals(wanted)) {
                    policy.add(failure);
                    known = true;
                }
            }
            if (!known) {
                LOG.log(System.Logger.Level.WARNING, "Retry policy {0} in #{1} is none of 4xx, 5xx, ct, rt, all: "
                        + "ignored (Twilio reports error 11243)", code, fragment);
            }
        }
        return policy.isEmpty() ? DEFAULTS.retryPolicy : policy;
    }
}
