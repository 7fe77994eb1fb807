package io.switchboard.stack;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Kafka and PostgreSQL as Testcontainers images, for machines with a Docker engine ({@code -Pcontainers}): the same
 * versions as the embedded ones, so a test means the same on either.
 */
final class Containers {
    /** Apache Kafka's own image, in the version of {@code kafka.version} (the embedded broker's jars). */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    /** The major version of {@code postgres-binaries.version} (the embedded server's binaries). */
    static final String POSTGRES_IMAGE = "postgres:17-alpine";

    private Containers() {
    }

    /** Whether Testcontainers finds a Docker engine (it says why not in its own log when it does not). */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static KafkaServer kafka() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        return new KafkaServer() {
            @Override
            public String bootstrapServers() {
                return container.getBootstrapServers();
            }

            @Override
            public boolean isRunning() {
                return container.isRunning();
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }

    static PostgresServer postgres() {
        PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName(LocalPostgres.DATABASE)
                .withUsername(LocalPostgres.USER)
                // As the embedded server runs: commits are durable, and the services open many connections.
                .withCommand("postgres", "-c", "max_connections=200", "-c", "synchronous_commit=on");
        container.start();
        return new PostgresServer() {
            @Override
            public String jdbcUrl() {
                return container.getJdbcUrl();
            }

            @Override
            public String reactiveUrl() {
                return "postgresql://" + container.getHost() + ":" + container.getFirstMappedPort() + "/"
                        + LocalPostgres.DATABASE;
            }

            @Override
            public String user() {
                return container.getUsername();
            }

            @Override
            public String password() {
                return container.getPassword();
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }
}
