package io.switchboard.ingest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.arc.Arc;
import io.switchboard.contract.Json;
import io.switchboard.contract.Topics;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.ingest.journal.EventJournal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads what call-ingest published to {@link Topics#TWILIO_EVENTS}, from the beginning up to the current end, once the
 * journal has forwarded everything it stored: then every answered webhook's record is there, and reading to the end
 * shows what is not there.
 */
public final class TwilioEventsTopic {
    private TwilioEventsTopic() {
    }

    /** A published record: its key, its raw JSON, the event it reads as and its W3C trace context (or null). */
    public record Published(String key, String json, TwilioEvent event, String traceparent) {
    }

    /** Every record whose event concerns this call sid, as the caller's call or as a leg. */
    public static List<Published> about(String sid) {
        return about(sid, all());
    }

    /**
     * Asserts nothing was published about {@code sid}, after a marker webhook went through the same producer: an
     * event sent for {@code sid} (same tenant, so same partition) would be in the log before the marker.
     */
    public static void assertNothingAbout(String sid) {
        String marker = TwilioWebhooks.newCallSid();
        TwilioWebhooks.post(TwilioWebhooks.INCOMING, TwilioWebhooks.incomingCall(marker)).then().statusCode(200);
        List<Published> all = all();
        assertThat(about(marker, all)).as("the marker call %s", marker).hasSize(1);
        assertThat(about(sid, all)).as("records published about %s", sid).isEmpty();
    }

    private static List<Published> about(String sid, List<Published> records) {
        return records.stream()
                .filter(p -> p.event().callSid().equals(sid)
                        || p.event() instanceof TwilioEvent.CallStatusChanged s && sid.equals(s.legSid()))
                .toList();
    }

    public static Published single(String sid) {
        List<Published> published = about(sid);
        assertThat(published).as("records published about %s", sid).hasSize(1);
        return published.get(0);
    }

    public static List<Published> all() {
        EventJournal journal = Arc.container().instance(EventJournal.class).get();
        await("the journal forwards what it stored").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> journal.waiting() == 0);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TWILIO_EVENTS, Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<Published> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("read %s to its end within 20 s", Topics.TWILIO_EVENTS)
                        .isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    Header traceparent = record.headers().lastHeader("traceparent");
                    records.add(new Published(record.key(), record.value(), parse(record.value()),
                            traceparent == null ? null : new String(traceparent.value(), StandardCharsets.UTF_8)));
                }
            }
            return records;
        }
    }

    private static TwilioEvent parse(String json) {
        try {
            return Json.MAPPER.readValue(json, TwilioEvent.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not a TwilioEvent: " + json, e);
        }
    }
}
