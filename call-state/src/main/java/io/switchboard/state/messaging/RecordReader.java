package io.switchboard.state.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads a Kafka record's JSON. One that cannot be read is counted and thrown on, which sends it to the
 * dead-letter topic ({@code failure-strategy=dead-letter-queue}) for a person to look at: kept, never applied.
 */
@ApplicationScoped
public class RecordReader {
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public RecordReader(ObjectMapper json, MeterRegistry metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public <T> T read(String record, Class<T> type, String channel) {
        try {
            return json.readValue(record, type);
        } catch (JsonProcessingException e) {
            rejected(channel);
            throw new IllegalArgumentException("Unreadable " + type.getSimpleName() + " on " + channel
                    + ", sent to the dead-letter topic: " + e.getOriginalMessage(), e);
        }
    }

    /** Counts a record that was read but cannot be applied (e.g. an unknown tenant). */
    public void rejected(String channel) {
        metrics.counter("switchboard.state.records.rejected", "channel", channel).increment();
    }
}
