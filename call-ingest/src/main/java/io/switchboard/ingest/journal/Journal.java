package io.switchboard.ingest.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The pod's own store of webhooks on their way to Kafka: one SQLite file on the pod's volume. A row is written, and
 * synced to disk, before the webhook is answered; once Kafka acknowledged its event it is deleted with a later commit.
 *
 * <p>Two connections: the writer's (appends, deletions, numbers), used by one thread at a time, and the reader's, for
 * the forwarder; SQLite's write-ahead log lets them work side by side. Synchronous JDBC on purpose: each connection
 * belongs to one dedicated thread ({@link EventJournal}), never to an event loop.
 */
final class Journal implements AutoCloseable {
    /** An event as stored: its JSON, and the W3C trace context of the webhook it came from (null: none). */
    record Entry(String event, String traceparent) {
    }

    /** An event stored and not yet in Kafka. */
    record Waiting(long id, Entry entry) {
    }

    private final Connection writer;
    private final Connection reader;
    private final PreparedStatement insert;
    private final PreparedStatement deleteThrough;
    private final PreparedStatement after;
    private final PreparedStatement rememberNumber;

    private Journal(Connection writer, Connection reader) throws SQLException {
        this.writer = writer;
        this.reader = reader;
        this.insert = writer.prepareStatement("INSERT INTO waiting (event, traceparent) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS);
        this.deleteThrough = writer.prepareStatement("DELETE FROM waiting WHERE id <= ?");
        this.rememberNumber = writer.prepareStatement(
                "INSERT INTO numbers (phone_number, tenant_id) VALUES (?, ?)"
                        + " ON CONFLICT (phone_number) DO UPDATE SET tenant_id = excluded.tenant_id");
        this.after = reader.prepareStatement("SELECT id, event, traceparent FROM waiting WHERE id > ? ORDER BY id"
                + " LIMIT ?");
    }

    /**
     * Opens (or creates) the journal at {@code file}.
     *
     * @throws UncheckedIOException when the file cannot be created or is not a journal
     */
    static Journal open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            SQLiteConfig settings = new SQLiteConfig();
            // The write-ahead log lets the forwarder read while webhooks are appended; FULL syncs every commit to
            // disk, so an answered webhook survives the node's crash, not only the process's.
            settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
            settings.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            settings.setBusyTimeout(5000);
            String url = "jdbc:sqlite:" + file;
            Connection writer = settings.createConnection(url);
            try (Statement sql = writer.createStatement()) {
                sql.execute("CREATE TABLE IF NOT EXISTS waiting (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " event TEXT NOT NULL, traceparent TEXT)");
                sql.execute("CREATE TABLE IF NOT EXISTS numbers (phone_number TEXT PRIMARY KEY,"
                        + " tenant_id TEXT NOT NULL)");
            }
            writer.setAutoCommit(false);
            Connection reader = settings.createConnection(url);
            return new Journal(writer, reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory of the journal " + file, e);
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("Cannot open the journal " + file + ": " + e.getMessage(),
                    e));
        }
    }

    /**
     * Appends entries and forgets every event up to {@code forgetThrough} (0: none), all in Kafka now, in one synced
     * transaction; returns the new entries' ids, in order.
     */
    List<Long> append(List<Entry> entries, long forgetThrough) throws SQLException {
        List<Long> ids = new ArrayList<>(entries.size());
        try {
            for (Entry entry : entries) {
                insert.setString(1, entry.event());
                insert.setString(2, entry.traceparent());
                insert.executeUpdate();
                try (ResultSet key = insert.getGeneratedKeys()) {
                    key.next();
                    ids.add(key.getLong(1));
                }
            }
            if (forgetThrough > 0) {
                deleteThrough.setLong(1, forgetThrough);
                deleteThrough.executeUpdate();
            }
            writer.commit();
            return ids;
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    /** Up to {@code limit} waiting events after {@code id}, oldest first. */
    List<Waiting> after(long id, int limit) throws SQLException {
        after.setLong(1, id);
        after.setInt(2, limit);
        List<Waiting> waiting = new ArrayList<>();
        try (ResultSet rows = after.executeQuery()) {
            while (rows.next()) {
                waiting.add(new Waiting(rows.getLong(1), new Entry(rows.getString(2), rows.getString(3))));
            }
        }
        return waiting;
    }

    /** How many events wait, and the newest one's id (0 when none ever did). */
    long[] waiting() throws SQLException {
        try (Statement sql = writer.createStatement();
                ResultSet row = sql.executeQuery("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM waiting")) {
            row.next();
            long[] waiting = {row.getLong(1), row.getLong(2)};
            writer.commit();
            return waiting;
        }
    }

    /** Remembers who owns a number, for webhooks that come while PostgreSQL is away. */
    void rememberOwner(String number, String tenantId) throws SQLException {
        try {
            rememberNumber.setString(1, number);
            rememberNumber.setString(2, tenantId);
            rememberNumber.executeUpdate();
            writer.commit();
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    /** Every number's owner remembered so far. */
    Map<String, String> owners() throws SQLException {
        Map<String, String> owners = new HashMap<>();
        try (Statement sql = reader.createStatement();
                ResultSet rows = sql.executeQuery("SELECT phone_number, tenant_id FROM numbers")) {
            while (rows.next()) {
                owners.put(rows.getString(1), rows.getString(2));
            }
        }
        return owners;
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }

    @Override
    public void close() {
        for (Connection connection : List.of(reader, writer)) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing at shutdown: nothing left to do about it.
            }
        }
    }
}
