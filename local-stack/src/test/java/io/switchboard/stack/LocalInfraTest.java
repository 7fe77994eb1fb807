package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInfraTest {

    @Test
    void kafkaStoresAndServesRecords() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(0, null);
                var producer = new KafkaProducer<String, String>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer());
                var consumer = new KafkaConsumer<String, String>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "test",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>("t", "acme", "hello")).get();
            consumer.subscribe(List.of("t"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 50 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertThat(records).extracting(r -> r.key() + "=" + r.value()).containsExactly("acme=hello");
        }
    }

    /**
     * The local stack keeps Kafka's log in .stack/kafka. EmbeddedKafkaBroker formats the folder with
     * "ignore formatted", and LocalKafka's fixed cluster id matches the one already written there, so a kept log
     * starts again with its records.
     */
    @Test
    void kafkaKeepsItsLogAcrossARestart(@TempDir Path dataDir) {
        try (LocalKafka kafka = LocalKafka.start(0, dataDir.resolve("kafka"));
                var producer = new KafkaProducer<String, String>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("kept", "acme", "before the restart")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        try (LocalKafka kafka = LocalKafka.start(0, dataDir.resolve("kafka"));
                var consumer = new KafkaConsumer<String, String>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "test",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("kept"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 50 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("before the restart");
        }
    }

    @Test
    void postgresHasTheSchemaAndTheSeedTenant() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.start(0, null).migrate().seed().seed();
                var c = postgres.connect()) {
            ResultSet rs = c.createStatement().executeQuery(
                    "SELECT id FROM voip_users WHERE tenant_id = 'acme' ORDER BY id");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("doug");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("rhonda");
            assertThat(rs.next()).isFalse();
        }
    }
}
