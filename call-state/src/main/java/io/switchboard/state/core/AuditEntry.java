package io.switchboard.state.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One admin write as the audit keeps it ({@code admin_audit}): who, when, what, on what, and the values before and
 * after (null for a creation's before and a removal's after), stored as JSON.
 */
public record AuditEntry(String actor, Instant at, String action, String subject, Object before, Object after) {
    public AuditEntry {
        Objects.requireNonNull(actor);
        Objects.requireNonNull(action);
    }
}
