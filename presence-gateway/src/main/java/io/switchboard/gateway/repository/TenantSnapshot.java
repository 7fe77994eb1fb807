package io.switchboard.gateway.repository;

/** A tenant's {@code snapshot} frame, written once, with the seq it is as of. */
public record TenantSnapshot(long seq, String frame) {
}
