package io.switchboard.stack;

/**
 * Kafka and PostgreSQL for the services' tests: the embedded ones ({@link LocalKafka}, {@link LocalPostgres}), which
 * need nothing but a JDK, or — with {@code -Pcontainers} (system property {@value #CONTAINERS}) on a machine with a
 * Docker engine — Testcontainers' images of the same versions. Without a Docker engine the embedded ones run, and
 * one line says so.
 */
public record TestInfrastructure(KafkaServer kafka, PostgresServer postgres) implements AutoCloseable {
    public static final String CONTAINERS = "test.containers";

    public static TestInfrastructure start() {
        if (Boolean.getBoolean(CONTAINERS)) {
            if (Containers.dockerAvailable()) {
                return new TestInfrastructure(Containers.kafka(), Containers.postgres());
            }
            System.err.println(CONTAINERS + ": no Docker engine found; the tests run on the embedded Kafka and"
                    + " PostgreSQL instead.");
        }
        return new TestInfrastructure(LocalKafka.start(0, null), LocalPostgres.start(0, null));
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}
