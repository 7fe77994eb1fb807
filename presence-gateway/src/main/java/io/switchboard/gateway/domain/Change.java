package io.switchboard.gateway.domain;

/** One state change of a tenant as the gateway forwards it: its place in the tenant's order and its frame. */
public record Change(long seq, String frame) {
}
