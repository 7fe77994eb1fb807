package io.switchboard.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL server from Maven-packaged binaries (io.zonky.test). With a data folder its data
 * survives a restart (the local stack); without one it starts empty (tests). Trust authentication, user
 * {@code postgres}, database {@value #DATABASE}.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String DATABASE = "switchboard";
    public static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
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
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port == 0 ? FreePort.find() : port)
                    .setRegisterShutdownHook(stopOnJvmExit)
                    .setServerConfig("max_connections", "200");
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            LocalPostgres postgres = new LocalPostgres(builder.start());
            postgres.createDatabase();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
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
        return server.getPort();
    }

    public String jdbcUrl() {
        return url(DATABASE);
    }

    /** For the Vert.x reactive client ({@code quarkus.datasource.reactive.url}). */
    public String reactiveUrl() {
        return "postgresql://localhost:" + port() + "/" + DATABASE;
    }

    private String url(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /**
     * Applies the contract's migrations, as call-state does at start-up. For tests of the services that
     * only read the projection.
     */
    public LocalPostgres migrate() {
        Flyway.configure().dataSource(jdbcUrl(), USER, "").locations("classpath:db/migration").load().migrate();
        return this;
    }

    /** Adds the seed tenant {@code acme}, its number and agents {@code doug} and {@code rhonda} (idempotent). */
    public LocalPostgres seed() {
        execute(resource("seed.sql"));
        return this;
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = LocalPostgres.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
