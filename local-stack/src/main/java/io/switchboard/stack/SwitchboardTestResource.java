package io.switchboard.stack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Real Kafka and PostgreSQL for a service's {@code @QuarkusTest}s ({@link TestInfrastructure}: embedded, or
 * containers with {@code -Pcontainers}), with the configuration that points the service at them. Init arg {@code migrate=false} leaves the schema to the service under test (call-state
 * migrates at start-up, as the owner); otherwise the contract's migrations and the seed tenant are applied. Each
 * service connects with its own login ({@link DatabaseLogin}), as in production.
 *
 * <p>Tests reach the running pieces through {@link #kafka()} and {@link #postgres()}.
 */
public class SwitchboardTestResource implements QuarkusTestResourceLifecycleManager {
    private static TestInfrastructure infrastructure;
    private static DevKeys keys;
    private boolean migrate = true;

    @Override
    public void init(Map<String, String> initArgs) {
        migrate = !"false".equals(initArgs.get("migrate"));
    }

    @Override
    public Map<String, String> start() {
        infrastructure = TestInfrastructure.start();
        PostgresServer postgres = infrastructure.postgres().createLogins();
        if (migrate) {
            postgres.migrate().seed();
        }
        try {
            keys = DevKeys.in(Files.createTempDirectory("switchboard-keys"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        // The login is the service's own (its application.properties names it, DatabaseLogin makes it): the tests run
        // with the rights the service has in production, row-level security included.
        config.put("quarkus.datasource.password", DatabaseLogin.PASSWORD);
        if (!migrate) {
            // The service under test migrates the schema itself (call-state), as the owner.
            config.put("quarkus.flyway.username", postgres.user());
            config.put("quarkus.flyway.password", postgres.ownerPasswordSetting());
        }
        config.put("mp.jwt.verify.publickey.location", keys.publicKeyPem().toUri().toString());
        config.put("smallrye.jwt.sign.key.location", keys.privateKeyPem().toUri().toString());
        return config;
    }

    @Override
    public void stop() {
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    public static KafkaServer kafka() {
        return infrastructure.kafka();
    }

    public static PostgresServer postgres() {
        return infrastructure.postgres();
    }

    public static DevKeys keys() {
        return keys;
    }

    /** The seed tenant of {@code seed.sql}. */
    public static final String TENANT = "acme";
    public static final String NUMBER = "+15005550006";

}
