package io.switchboard.gateway.canary;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The canary in the readiness report, as detail. Always UP: a broken hop behind this gateway (call-state, its outbox)
 * is not cured by taking every gateway out of service, which would leave agents with no screen at all instead of a
 * stale one. Alert on {@code switchboard_gateway_canary_age_seconds} instead; this says where to look.
 */
@Readiness
@ApplicationScoped
public class CanaryHealth implements HealthCheck {
    private final Canary canary;

    public CanaryHealth(Canary canary) {
        this.canary = canary;
    }

    @Override
    public HealthCheckResponse call() {
        Canary.Status status = canary.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("End-to-end canary").up()
                .withData("enabled", status.enabled())
                .withData("realtime", !status.enabled() ? "not measured" : status.healthy() ? "working" : "broken")
                .withData("lostProbes", status.lost());
        if (status.lastRoundTripMillis() != null) {
            response.withData("lastRoundTripMillis", status.lastRoundTripMillis());
        }
        if (status.ageSeconds() != null) {
            response.withData("secondsSinceLastProbe", status.ageSeconds());
        }
        if (status.problem() != null) {
            response.withData("problem", status.problem());
        }
        return response.build();
    }
}
