package io.switchboard.gateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every log record of the test's JVM (the service's included) while open: what an operator's log would hold. */
public final class CapturedLogs extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
    }

    public static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        logs.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(logs);
        return logs;
    }

    /** Records at ERROR (SEVERE) or above that carry an exception: a stack trace in the log. */
    public List<String> errorsWithStackTraces() {
        return records.stream()
                .filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue() && r.getThrown() != null)
                .map(r -> r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown())
                .toList();
    }

    /** Every message as the log shows it, its parameters filled in. */
    public List<String> messages() {
        return records.stream().map(r -> r instanceof org.jboss.logmanager.ExtLogRecord ext
                ? ext.getFormattedMessage() : new java.util.logging.SimpleFormatter().formatMessage(r)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
