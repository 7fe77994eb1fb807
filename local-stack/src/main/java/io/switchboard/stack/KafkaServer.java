package io.switchboard.stack;

/** A Kafka broker the services' tests run against: embedded ({@link LocalKafka}) or a container. */
public interface KafkaServer extends AutoCloseable {

    /** host:port, ready for {@code kafka.bootstrap.servers}. */
    String bootstrapServers();

    boolean isRunning();

    @Override
    void close();
}
