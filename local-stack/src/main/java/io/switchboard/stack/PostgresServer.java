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

    /** Connects as a service's login ({@link #createLogins()}), with the rights the service has. */
    default Connection connect(DatabaseLogin login) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), login.user(), DatabaseLogin.PASSWORD);
    }

    /**
     * Creates each service's login ({@link DatabaseLogin}), a member of its group role; before {@link #migrate()} or
     * call-state's start (idempotent).
     */
    default PostgresServer createLogins() {
        execute(DatabaseLogin.createAll());
        return this;
    }

    /**
     * The owner's password as a Quarkus setting ({@code quarkus.flyway.password}): never empty, because Quarkus takes an
     * empty value for none given, and Flyway would then migrate with the datasource's login, which may not. The embedded
     * server trusts local connections and ignores it.
     */
    default String ownerPasswordSetting() {
        return passwordSetting(password());
    }

    /** A password as a Quarkus setting: as {@link #ownerPasswordSetting()}. */
    static String passwordSetting(String password) {
        return password.isEmpty() ? "trusted" : password;
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
