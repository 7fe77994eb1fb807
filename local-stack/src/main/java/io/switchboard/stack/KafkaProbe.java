package io.switchboard.stack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's hands on Kafka: sends string records (waiting for the broker's ack) and collects every record of
 * some topics from their beginning, so a test can wait for the one it expects.
 */
public final class KafkaProbe implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private KafkaProbe(String bootstrapServers, List<String> topics) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(topics);
        poller = new Thread(this::poll, "kafka-probe");
        poller.setDaemon(true);
        poller.start();
    }

    /** Collects every record of {@code topics}, from their beginning. */
    public static KafkaProbe of(String bootstrapServers, String... topics) {
        return new KafkaProbe(bootstrapServers, List.of(topics));
    }

    private void poll() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                synchronized (received) {
                    records.forEach(received::add);
                    received.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Sends a record and waits until the broker stored it. */
    public void send(String topic, String key, String value) {
        send(topic, key, value, Map.of());
    }

    /** Sends a record with these headers (e.g. a {@code traceparent}) and waits until the broker stored it. */
    public void send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, header) -> record.headers().add(name, header.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not store the record for " + topic, e);
        }
    }

    /** Every record received so far from {@code topic}, in arrival order. */
    public List<ConsumerRecord<String, String>> records(String topic) {
        synchronized (received) {
            return received.stream().filter(r -> r.topic().equals(topic)).toList();
        }
    }

    /** Values of {@code topic} received so far that match. */
    public List<String> values(String topic, Predicate<String> match) {
        return records(topic).stream().map(ConsumerRecord::value).filter(match).toList();
    }

    /** Waits until at least {@code count} values of {@code topic} match; returns them. */
    public List<String> await(String topic, Predicate<String> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                List<String> found = values(topic, match);
                long left = deadline - System.nanoTime();
                if (found.size() >= count || left <= 0) {
                    if (found.size() < count) {
                        throw new AssertionError("Waited " + timeout + " for " + count + " record(s) on " + topic
                                + ", got " + found.size() + ": " + found);
                    }
                    return found;
                }
                try {
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    public String awaitOne(String topic, Predicate<String> match, Duration timeout) {
        return await(topic, match, 1, timeout).get(0);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
