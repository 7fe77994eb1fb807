package io.switchboard.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A PostgreSQL server the services' tests run against, with the database {@value LocalPostgres#DATABASE}: embedded
 * ({@link LocalPostgres}) or a container.
 */
public interface PostgresServer extends AutoCloseable {

    String jdbcUrl();

    /** For the Vert.x reactive client ({@code quarkus.datasource.reactive.url}). */
    String reactiveUrl();

    /** A superuser's name, who owns the database. */
    String user();

    String password();

    @Override
    void close();

    default Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    /**
     * Applies the contract's migrations, as call-state does at start-up. For tests of the services that only read the
     * projection.
     */
    default PostgresServer migrate() {
        Flyway.configure().dataSource(jdbcUrl(), user(), password()).locations("classpath:db/migration").load()
                .migrate();
        return this;
    }

    /** Adds the seed tenant {@code acme}, its number and agents {@code doug} and {@code rhonda} (idempotent). */
    default PostgresServer seed() {
        try (InputStream in = PostgresServer.class.getResourceAsStream("/seed.sql")) {
            execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    default void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }
}
