package io.switchboard.gateway.security;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.endpoint.AgentSocket;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Accepts the agent token as the {@code access_token} query parameter on the WebSocket upgrade.
 *
 * <p>Browsers cannot set an {@code Authorization} header on a WebSocket, and smallrye-jwt reads tokens only from a
 * header or a cookie. This mechanism hands the query token to the same identity provider (signature, issuer and
 * expiry are checked exactly as for a header token); everywhere else, and when the query has no token, smallrye-jwt's
 * own header mechanism applies. Limited to the socket path so tokens in URLs stay an exception, and the access-log
 * pattern (application.properties) logs paths without query strings so the token is not written to logs.
 */
@ApplicationScoped
public class QueryTokenAuthMechanism implements HttpAuthenticationMechanism {
    public static final String PARAMETER = "access_token";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!AgentSocket.PATH.equals(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        List<String> tokens = context.queryParam(PARAMETER);
        if (tokens.isEmpty() || tokens.get(0).isBlank()) {
            return Uni.createFrom().nullItem();
        }
        // With several mechanisms, the one that took the request answers the challenge.
        context.put(HttpAuthenticationMechanism.class.getName(), this);
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(new JsonWebTokenCredential(tokens.get(0))), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(HttpResponseStatus.UNAUTHORIZED.code(),
                HttpHeaderNames.WWW_AUTHENTICATE, "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        // Not selectable by name for a path; the header mechanism keeps the "bearer" name.
        return Uni.createFrom().nullItem();
    }

    @Override
    public int getPriority() {
        // Before smallrye-jwt's header mechanism, so an explicit query token is the one checked.
        return DEFAULT_PRIORITY + 1;
    }
}
