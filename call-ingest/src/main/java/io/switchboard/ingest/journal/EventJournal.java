package io.switchboard.ingest.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.TraceAttributes;
import io.switchboard.contract.TwilioEvent;
import io.switchboard.ingest.UnavailableException;
import io.switchboard.ingest.config.IngestConfig;
import io.switchboard.ingest.metrics.IngestMetrics;
import io.switchboard.ingest.publish.TwilioEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a webhook's event goes before call-ingest answers Twilio: the pod's {@link Journal}, synced to disk; from
 * there a forwarder hands the events to Kafka in the order they came, and forgets each once Kafka acknowledged it.
 * Twilio gives up on a webhook after 15 seconds at most; the journal holds it for as long as Kafka is away.
 *
 * <p>Two threads of its own, each with its own connection: the writer commits everything waiting to be written in one
 * transaction (so a busy second costs a few disk syncs, not one per webhook), and the forwarder reads what was
 * committed and publishes it. A webhook waits for the writer's commit only, never for Kafka.
 */
@ApplicationScoped
public class EventJournal {
    /** Events the writer commits together at most. */
    private static final int MAX_WRITE = 500;
    /** Events the forwarder hands to Kafka at once at most: within the producer channel's buffer. */
    private static final int MAX_FORWARD = 256;
    /**
     * After a failure the forwarder hands Kafka one event at a time until one is stored: when the broker comes back in
     * the middle of a batch, the batch's first events may have failed while later ones, sent a moment after, were
     * stored, and a call's status would reach call-state before the call.
     */
    private static final int AFTER_FAILURE = 1;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
    private static final AttributeKey<String> CALL_SID = AttributeKey.stringKey(TraceAttributes.CALL_SID);
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey(TraceAttributes.TENANT);

    private sealed interface Write permits Append, Forwarded, Owner {
    }

    private record Append(Journal.Entry entry, String eventId, CompletableFuture<Void> stored) implements Write {
    }

    private record Forwarded(long throughId) implements Write {
    }

    private record Owner(String number, String tenantId) implements Write {
    }

    private final Path path;
    private final long maxWaiting;
    private final ObjectMapper json;
    private final TwilioEventPublisher publisher;
    private final IngestMetrics metrics;
    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    /** Released after each commit of new events: wakes the forwarder. */
    private final Semaphore committed = new Semaphore(0);
    private final AtomicLong waiting = new AtomicLong();
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private volatile long newestId;
    /** Events up to this id waited through a Kafka outage (or a restart) before they were forwarded. */
    private volatile long heldThrough;
    /** Since when Kafka refuses the forwarder's events; null while it takes them. */
    private volatile Instant kafkaAwaySince;
    private volatile boolean running;
    private Journal journal;
    private Thread writer;
    private Thread forwarder;

    public EventJournal(IngestConfig config, ObjectMapper json, TwilioEventPublisher publisher,
            IngestMetrics metrics) {
        this.path = config.ingest().journal().path();
        this.maxWaiting = config.ingest().journal().maxWaiting();
        this.json = json;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent started) throws SQLException {
        journal = Journal.open(path);
        owners.putAll(journal.owners());
        long[] found = journal.waiting();
        waiting.set(found[0]);
        newestId = found[1];
        heldThrough = found[1];
        if (found[0] > 0) {
            Log.infof("The journal %s holds %d webhooks stored before this start; forwarding them to Kafka first.",
                    path, found[0]);
        }
        metrics.journal(waiting::get, this::kafkaAwaySeconds);
        running = true;
        writer = daemon("journal-writer", this::write);
        forwarder = daemon("journal-forwarder", this::forward);
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        running = false;
        committed.release();
        if (forwarder != null) {
            forwarder.join(LONGEST_PAUSE.toMillis());
        }
        if (writer != null) {
            writer.join(LONGEST_PAUSE.toMillis());
        }
        if (journal != null) {
            journal.close();
        }
        if (waiting.get() > 0) {
            Log.infof("Stopped with %d webhooks in the journal %s: they are forwarded to Kafka at the next start.",
                    waiting.get(), path);
        }
    }

    /**
     * Completes once {@code event} is on the pod's disk, on the caller's Vert.x context; fails with
     * {@link UnavailableException} when it cannot be stored (the disk failed, the journal is full, or the service is
     * stopping).
     */
    public Uni<Void> store(TwilioEvent event) {
        if (!running) {
            return Uni.createFrom().failure(new UnavailableException("Event " + event.eventId() + " was not stored:"
                    + " call-ingest is stopping. Twilio may retry, on another replica.", null));
        }
        if (waiting.get() >= maxWaiting) {
            return Uni.createFrom().failure(new UnavailableException("Event " + event.eventId() + " was not stored: the"
                    + " journal " + path + " holds " + waiting.get() + " webhooks waiting for Kafka, its limit"
                    + " (switchboard.ingest.journal.max-waiting). Bring Kafka back; Twilio may retry.", null));
        }
        // The webhook's span names the call: an operator finds a call's trace by its CallSid.
        Span.current().setAttribute(CALL_SID, event.callSid()).setAttribute(TENANT, event.tenantId());
        Append append = new Append(new Journal.Entry(serialize(event), traceparent()), event.eventId(),
                new CompletableFuture<>());
        writes.add(append);
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<Void> stored = Uni.createFrom().completionStage(append.stored());
        return context == null ? stored : stored.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    /** Keeps {@code number}'s owner on the pod's disk, for webhooks that come while PostgreSQL is away. */
    public void rememberOwner(String number, String tenantId) {
        if (!tenantId.equals(owners.put(number, tenantId))) {
            writes.add(new Owner(number, tenantId));
        }
    }

    /** The owner PostgreSQL last named for {@code number} to this pod, before or since its start. */
    public Optional<String> rememberedOwner(String number) {
        return Optional.ofNullable(owners.get(number));
    }

    /** How many webhooks wait in the journal for Kafka. */
    public long waiting() {
        return waiting.get();
    }

    /** Since when Kafka has been refusing events; empty while it takes them. */
    public Optional<Instant> kafkaAwaySince() {
        return Optional.ofNullable(kafkaAwaySince);
    }

    public boolean full() {
        return waiting.get() >= maxWaiting;
    }

    private double kafkaAwaySeconds() {
        Instant since = kafkaAwaySince;
        return since == null ? 0 : Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    // ---- the writer -------------------------------------------------------------------------------------------------

    private void write() {
        List<Write> batch = new ArrayList<>();
        while (running || !writes.isEmpty()) {
            try {
                Write first = writes.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                writes.drainTo(batch, MAX_WRITE - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf(e, "The journal's writer failed on %d writes", batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Write> batch) {
        List<Append> appends = new ArrayList<>();
        long forwardedThrough = 0;
        for (Write write : batch) {
            if (write instanceof Append append) {
                appends.add(append);
            } else if (write instanceof Forwarded forwarded) {
                forwardedThrough = Math.max(forwardedThrough, forwarded.throughId());
            } else if (write instanceof Owner owner) {
                remember(owner);
            }
        }
        if (!appends.isEmpty()) {
            append(appends);
        }
        if (forwardedThrough > 0) {
            try {
                waiting.addAndGet(-journal.forwardedThrough(forwardedThrough));
            } catch (SQLException e) {
                // Kept: forwarded again after a restart, and call-state applies each event id once.
                Log.warnf("Could not forget the events through %d in the journal %s: %s", forwardedThrough, path,
                        e.getMessage());
            }
        }
    }

    private void append(List<Append> appends) {
        List<Journal.Entry> entries = new ArrayList<>(appends.size());
        appends.forEach(append -> entries.add(append.entry()));
        try {
            List<Long> ids = journal.append(entries);
            waiting.addAndGet(ids.size());
            newestId = ids.get(ids.size() - 1);
            committed.release();
            appends.forEach(append -> append.stored().complete(null));
        } catch (SQLException e) {
            metrics.journalFailure();
            Log.errorf("Could not store %d webhooks in the journal %s: %s", appends.size(), path, e.getMessage());
            appends.forEach(append -> append.stored().completeExceptionally(new UnavailableException("Event "
                    + append.eventId() + " was not stored: the journal " + path + " failed: " + e.getMessage()
                    + ". Twilio may retry; check the pod's volume.", e)));
        }
    }

    private void remember(Owner owner) {
        try {
            journal.rememberOwner(owner.number(), owner.tenantId());
        } catch (SQLException e) {
            Log.warnf("Could not remember the owner of %s in the journal %s: %s", owner.number(), path,
                    e.getMessage());
        }
    }

    // ---- the forwarder ----------------------------------------------------------------------------------------------

    private void forward() {
        long forwarded = 0;
        Duration pause = FIRST_PAUSE;
        int window = MAX_FORWARD;
        while (running) {
            try {
                List<Journal.Waiting> batch = journal.after(forwarded, window);
                if (batch.isEmpty()) {
                    committed.tryAcquire(1, TimeUnit.SECONDS);
                    committed.drainPermits();
                    continue;
                }
                List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
                for (Journal.Waiting waiting : batch) {
                    acks.add(publish(waiting));
                }
                long through = forwarded;
                Throwable failure = null;
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        acks.get(i).join();
                        through = batch.get(i).id();
                    } catch (CompletionException e) {
                        failure = e.getCause();
                        break;
                    }
                }
                if (through > forwarded) {
                    writes.add(new Forwarded(through));
                    count(forwarded, through);
                    forwarded = through;
                }
                if (failure == null) {
                    recovered();
                    pause = FIRST_PAUSE;
                    window = MAX_FORWARD;
                } else {
                    away(failure);
                    window = AFTER_FAILURE;
                    Thread.sleep(pause.toMillis());
                    pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                Log.errorf(e, "The journal's forwarder failed reading %s; trying again", path);
                sleepQuietly(LONGEST_PAUSE);
            }
        }
    }

    private CompletableFuture<Void> publish(Journal.Waiting waiting) {
        TwilioEvent event;
        try {
            event = json.readValue(waiting.entry().event(), TwilioEvent.class);
        } catch (JsonProcessingException e) {
            // Only a journal written by an incompatible version gets here; the log keeps the event.
            Log.errorf("Skipped event %d of the journal %s, which this version cannot read (%s): %s", waiting.id(),
                    path, e.getOriginalMessage(), waiting.entry().event());
            metrics.journalFailure();
            return CompletableFuture.completedFuture(null);
        }
        return publisher.publish(event, parent(waiting.entry().traceparent())).subscribeAsCompletionStage();
    }

    private void count(long after, long through) {
        long held = Math.max(0, Math.min(through, heldThrough) - after);
        metrics.forwarded(through - after - held, held);
    }

    private void away(Throwable failure) {
        heldThrough = newestId;
        if (kafkaAwaySince == null) {
            kafkaAwaySince = Instant.now();
            Log.warnf("Kafka is not taking events (%s). Webhooks are answered and wait in the journal %s until it is"
                    + " back.", failure.getMessage(), path);
        }
    }

    private void recovered() {
        Instant since = kafkaAwaySince;
        if (since != null) {
            kafkaAwaySince = null;
            Log.infof("Kafka takes events again after %d s; the webhooks that waited in the journal are forwarded.",
                    Duration.between(since, Instant.now()).toSeconds());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private String serialize(TwilioEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A TwilioEvent is plain records", e);
        }
    }

    /** The webhook's span as a W3C traceparent, so the Kafka record's trace goes on from the webhook's. */
    private static String traceparent() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid()
                ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex()
                : null;
    }

    private static Context parent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        String[] parts = traceparent.split("-");
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(parts[1], parts[2],
                TraceFlags.fromHex(parts[3], 0), TraceState.getDefault())));
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
