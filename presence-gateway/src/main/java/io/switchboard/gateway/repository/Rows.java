package io.switchboard.gateway.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Reading the projection's columns as the contract's types. */
final class Rows {
    private Rows() {
    }

    /** A {@code timestamptz} column as an instant; null for NULL. */
    static Instant instant(Row row, String column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }
}
