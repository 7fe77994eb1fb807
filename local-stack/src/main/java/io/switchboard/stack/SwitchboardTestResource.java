package io.switchboard.stack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Real Kafka and PostgreSQL for a service's {@code @QuarkusTest}s, with the configuration that points the
 * service at them. Init arg {@code migrate=false} leaves the schema to the service under test (call-state
 * migrates at start-up); otherwise the contract's migrations and the seed tenant are applied.
 *
 * <p>Tests reach the running pieces through {@link #kafka()} and {@link #postgres()}.
 */
public class SwitchboardTestResource implements QuarkusTestResourceLifecycleManager {
    private static LocalKafka kafka;
    private static LocalPostgres postgres;
    private static DevKeys keys;
    private boolean migrate = true;

    @Override
    public void init(Map<String, String> initArgs) {
        migrate = !"false".equals(initArgs.get("migrate"));
    }

    @Override
    public Map<String, String> start() {
        kafka = LocalKafka.start(0, null);
        postgres = LocalPostgres.start(0, null);
        if (migrate) {
            postgres.migrate().seed();
        }
        try {
            keys = DevKeys.in(Files.createTempDirectory("switchboard-keys"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", "");
        config.put("mp.jwt.verify.publickey.location", keys.publicKeyPem().toUri().toString());
        config.put("smallrye.jwt.sign.key.location", keys.privateKeyPem().toUri().toString());
        return config;
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    public static LocalKafka kafka() {
        return kafka;
    }

    public static LocalPostgres postgres() {
        return postgres;
    }

    public static DevKeys keys() {
        return keys;
    }

    /** The seed tenant of {@code seed.sql}. */
    public static final String TENANT = "acme";
    public static final String NUMBER = "+15005550006";

}
