package io.switchboard.state.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Statements sent to PostgreSQL together, in one network round trip, and run one after the other in the caller's
 * transaction.
 *
 * <p>Hand-made because a JDBC batch repeats one statement, and this needs different ones: they are joined with
 * {@code ;} into one {@link PreparedStatement}, which pgjdbc sends as one extended-protocol exchange (a Parse, Bind and
 * Execute for each, then a single Sync) and reads back with {@link PreparedStatement#getMoreResults()}. PostgreSQL
 * runs them in order, each as a statement of its own: under READ COMMITTED each takes its snapshot when it starts,
 * after the ones before it finished (a lock they waited for included), and after an error it runs none of the rest.
 * pgjdbc splits a trip of hundreds of statements into several (a guard of its receive buffer), in the same order.
 */
public final class RoundTrip {
    private final List<Part> parts = new ArrayList<>();

    /** Sets a statement's parameters, in order. */
    interface Binder {
        void bind(Params p) throws SQLException;
    }

    /** Reads a query's rows into what the caller wants of them. */
    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** What a statement came to, once the trip is sent. */
    static final class Result<T> {
        private T value;
        private boolean sent;

        T get() {
            if (!sent) {
                throw new IllegalStateException("The round trip was not sent");
            }
            return value;
        }

        private void set(T value) {
            this.value = value;
            this.sent = true;
        }
    }

    /** A statement, and what to do with what it came to. */
    private record Part(String sql, Binder binder, Outcome outcome) {
    }

    private interface Outcome {
        void take(PreparedStatement s, boolean rows) throws SQLException;
    }

    <T> Result<T> query(String sql, Binder binder, Rows<T> rows) {
        Result<T> result = new Result<>();
        parts.add(new Part(sql, binder, (s, isRows) -> {
            if (!isRows) {
                throw new IllegalStateException("No rows came back for: " + sql);
            }
            result.set(rows.read(s.getResultSet()));
        }));
        return result;
    }

    /** A write; its result is how many rows it changed, which {@code check} may refuse by throwing. */
    Result<Integer> write(String sql, Binder binder, IntConsumer check) {
        Result<Integer> result = new Result<>();
        parts.add(new Part(sql, binder, (s, isRows) -> {
            int count = s.getUpdateCount();
            check.accept(count);
            result.set(count);
        }));
        return result;
    }

    /** A write that must change exactly one row: none is an error, never a silent no-op. */
    void writeOne(String what, String sql, Binder binder) {
        write(sql, binder, rows -> {
            if (rows != 1) {
                throw new IllegalStateException("Writing " + what + " changed " + rows + " rows instead of 1");
            }
        });
    }

    /** A write that may change any number of rows, none included. */
    void writeAny(String sql, Binder binder) {
        write(sql, binder, rows -> {
        });
    }

    /**
     * Sends the statements (nothing when there are none), reads every result and checks every count. The trip is
     * empty again after: statements added later go in the next one.
     */
    public void send(Connection c) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Part part : parts) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(part.sql);
        }
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            Params params = new Params(c, s);
            for (Part part : parts) {
                part.binder.bind(params);
            }
            boolean rows = s.execute();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    rows = s.getMoreResults();
                }
                parts.get(i).outcome.take(s, rows);
            }
        }
        parts.clear();
    }

    /**
     * A time as a {@code timestamptz} parameter. pgjdbc sends a {@link java.sql.Timestamp} with no type, which makes
     * PostgreSQL describe the statement once it is server-prepared; pgjdbc (42.7) then cannot size the rows of a
     * described statement that returns text, and sends a Sync before it each time: a round trip more. (A null goes
     * untyped still: only writes, which return no rows, take one.)
     */
    static OffsetDateTime typed(Instant time) {
        return time.atOffset(ZoneOffset.UTC);
    }

    /** The parameters of all the statements, numbered on from one statement to the next. */
    static final class Params {
        private final Connection c;
        private final PreparedStatement s;
        private int next = 1;

        private Params(Connection c, PreparedStatement s) {
            this.c = c;
            this.s = s;
        }

        Params text(String value) throws SQLException {
            s.setString(next++, value);
            return this;
        }

        Params texts(Collection<String> values) throws SQLException {
            s.setArray(next++, c.createArrayOf("text", values.toArray()));
            return this;
        }

        Params number(long value) throws SQLException {
            s.setLong(next++, value);
            return this;
        }

        Params integer(Integer value) throws SQLException {
            s.setObject(next++, value, Types.INTEGER);
            return this;
        }

        Params flag(boolean value) throws SQLException {
            s.setBoolean(next++, value);
            return this;
        }

        Params time(Instant value) throws SQLException {
            if (value == null) {
                s.setNull(next++, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                s.setObject(next++, typed(value));
            }
            return this;
        }
    }
}
