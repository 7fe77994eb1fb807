package io.switchboard.benchmark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured latency: samples in microseconds from any thread (HdrHistogram's wait-free {@link Recorder}), read
 * once at the end. Values up to an hour, three significant digits.
 */
final class Latency {
    private final Recorder recorder = new Recorder(3_600_000_000L, 3);
    private Histogram total;

    void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1_000));
    }

    /** Everything recorded so far; later samples are lost, so call it once the phase is over. */
    synchronized Histogram histogram() {
        if (total == null) {
            total = recorder.getIntervalHistogram();
        }
        return total;
    }

    /** count, p50, p95, p99, p99.9, max, mean in milliseconds. */
    Map<String, Object> summary() {
        return summary(histogram());
    }

    static Map<String, Object> summary(Histogram h) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", h.getTotalCount());
        s.put("p50_ms", ms(h.getValueAtPercentile(50)));
        s.put("p95_ms", ms(h.getValueAtPercentile(95)));
        s.put("p99_ms", ms(h.getValueAtPercentile(99)));
        s.put("p999_ms", ms(h.getValueAtPercentile(99.9)));
        s.put("max_ms", ms(h.getMaxValue()));
        s.put("mean_ms", Math.round(h.getMean()) / 1000.0);
        return s;
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
