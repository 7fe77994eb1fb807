package io.switchboard.contract;

import java.util.Optional;

/**
 * The Twilio Client identity of an agent: the {@code <Client>} call-state dials and the identity of the agent's
 * softphone token. Client identities are per Twilio account, and tenants may share one, so the identity names the
 * tenant too: two tenants' agents called {@code doug} must not ring each other's browsers.
 *
 * <p>Form: {@code {tenant}__{agent}}, each id escaped into what Twilio takes in an identity (letters, digits,
 * underscore): a letter or digit stays, any other character {@code c} becomes {@code _} and four lower-case hex
 * digits of {@code c} ({@code _} → {@code _005f}, {@code -} → {@code _002d}). An escape's underscore is always
 * followed by a hex digit, so {@code __} occurs only as the separator and the identity reads back unambiguously:
 * {@code acme__doug}, {@code _canary} → {@code _005fcanary}.
 */
public final class ClientIdentity {
    /** Twilio's longest identity; a longer one cannot be dialled or put in a token. */
    public static final int MAX_LENGTH = 121;
    private static final String SEPARATOR = "__";

    /** A tenant and one of its agents. */
    public record TenantAgent(String tenantId, String agentId) {
    }

    private ClientIdentity() {
    }

    public static String of(String tenantId, String agentId) {
        return escape(tenantId) + SEPARATOR + escape(agentId);
    }

    /**
     * An agent's id is what their identity provider puts in the token's {@code sub} (a Keycloak UUID, Auth0's
     * {@code auth0|…}): anything printable without spaces or {@code :}.
     */
    private static final java.util.regex.Pattern AGENT_ID = java.util.regex.Pattern.compile("[^\\s:\\p{Cntrl}]+");

    /**
     * Why a tenant cannot have an agent of this id, for the person who chose it; empty when it can: the id must be one
     * an identity provider may put in {@code sub}, and the agent's softphone identity must fit Twilio's limit.
     */
    public static Optional<String> agentIdProblem(String tenantId, String agentId) {
        if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
            return Optional.of("The agent id '" + agentId + "' is not valid: it is the id their sign-in token names"
                    + " (its sub), without spaces or ':'.");
        }
        if (!usable(of(tenantId, agentId))) {
            return Optional.of("The agent id '" + agentId + "' is too long with the tenant id '" + tenantId
                    + "': their softphone identity (" + of(tenantId, agentId) + ") would pass Twilio's " + MAX_LENGTH
                    + " characters; shorten one of them.");
        }
        return Optional.empty();
    }

    /** Whether Twilio takes this identity (its characters always fit; its length may not). */
    public static boolean usable(String identity) {
        return identity.length() <= MAX_LENGTH;
    }

    /** The tenant and agent an identity names; empty when it is not of this form (a bare {@code doug}, say). */
    public static Optional<TenantAgent> parse(String identity) {
        if (identity == null) {
            return Optional.empty();
        }
        int separator = identity.indexOf(SEPARATOR);
        if (separator < 0) {
            return Optional.empty();
        }
        Optional<String> tenant = unescape(identity.substring(0, separator));
        Optional<String> agent = unescape(identity.substring(separator + SEPARATOR.length()));
        return tenant.isPresent() && agent.isPresent()
                ? Optional.of(new TenantAgent(tenant.get(), agent.get()))
                : Optional.empty();
    }

    private static String escape(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("A tenant or agent id cannot be empty");
        }
        StringBuilder out = new StringBuilder(id.length());
        for (char c : id.toCharArray()) {
            if (isAsciiLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append('_').append(String.format("%04x", (int) c));
            }
        }
        return out.toString();
    }

    /** Empty for anything {@link #escape} cannot have written. */
    private static Optional<String> unescape(String escaped) {
        if (escaped.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (isAsciiLetterOrDigit(c)) {
                out.append(c);
            } else if (c == '_' && isHex(escaped, i + 1)) {
                char decoded = (char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16);
                if (isAsciiLetterOrDigit(decoded)) {
                    return Optional.empty(); // never escaped: one id, one identity
                }
                out.append(decoded);
                i += 4;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString());
    }

    private static boolean isHex(String s, int from) {
        if (from + 4 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 4; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
