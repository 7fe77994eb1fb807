package io.switchboard.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from Maven-packaged binaries (io.zonky.test). With a data folder its data
 * survives a restart (the local stack); without one it starts empty (tests). Trust authentication, user
 * {@code postgres}, database {@value #DATABASE}.
 */
public final class LocalPostgres implements PostgresServer {
    public static final String DATABASE = "switchboard";
    public static final String USER = "postgres";
    /** None: the embedded server trusts local connections. */
    public static final String PASSWORD = "";

    private volatile EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;
    private final boolean stopOnJvmExit;

    private LocalPostgres(EmbeddedPostgres server, Path dataDir, boolean stopOnJvmExit) {
        this.server = server;
        this.port = server.getPort();
        this.dataDir = dataDir;
        this.stopOnJvmExit = stopOnJvmExit;
    }

    /** @param port 0 for any free port; @param dataDir null for a throw-away database */
    public static LocalPostgres start(int port, Path dataDir) {
        return start(port, dataDir, true);
    }

    /**
     * @param stopOnJvmExit whether the server stops itself when this JVM exits. The stack turns this off: its own
     *                      shutdown hook stops the services first and PostgreSQL last, and two hooks would race.
     */
    public static LocalPostgres start(int port, Path dataDir, boolean stopOnJvmExit) {
        LocalPostgres postgres = new LocalPostgres(server(port == 0 ? FreePort.find() : port, dataDir, stopOnJvmExit),
                dataDir, stopOnJvmExit);
        postgres.createDatabase();
        return postgres;
    }

    private static EmbeddedPostgres server(int port, Path dataDir, boolean stopOnJvmExit) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setRegisterShutdownHook(stopOnJvmExit)
                    .setServerConfig("max_connections", "200")
                    // zonky turns this off for speed; then a crash of PostgreSQL loses commits call-state was told
                    // about (and whose changes screens already show), which production PostgreSQL never does.
                    .setServerConfig("synchronous_commit", "on");
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    /**
     * Kills the server as a crash of its machine would: SIGKILL to the postmaster and every backend, no checkpoint.
     * Needs a data folder, which stays for {@link #start()}.
     */
    public synchronized void kill() {
        if (dataDir == null) {
            throw new IllegalStateException("A throw-away database cannot be started again after a kill");
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
            all.add(0, postmaster);
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not kill PostgreSQL: " + e, e);
        }
        // Releases the data folder's lock; its "pg_ctl stop" finds no server and says so in the log.
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            // the server is gone already, which is the point
        }
    }

    /** Starts a killed server again on the same port and data folder; it recovers from its write-ahead log. */
    public synchronized void start() {
        server = server(port, dataDir, stopOnJvmExit);
    }

    private void createDatabase() {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
                Statement s = c.createStatement()) {
            var exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!exists.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + DATABASE, e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public String jdbcUrl() {
        return url(DATABASE);
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public String reactiveUrl() {
        return "postgresql://localhost:" + port() + "/" + DATABASE;
    }

    private String url(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    @Override
    public LocalPostgres migrate() {
        PostgresServer.super.migrate();
        return this;
    }

    @Override
    public LocalPostgres seed() {
        PostgresServer.super.seed();
        return this;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        }
    }
}
