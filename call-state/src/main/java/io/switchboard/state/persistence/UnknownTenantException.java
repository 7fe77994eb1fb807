package io.switchboard.state.persistence;

/** A record names a tenant that the projection does not have: nothing can be applied for it. */
public class UnknownTenantException extends RuntimeException {
    public UnknownTenantException(String tenantId) {
        super("Unknown tenant '" + tenantId + "': add it to the tenants table or fix the producer");
    }
}
