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
import io.switchboard.ingest.CallerContext;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
    /** Events the forwarder has in flight at most: within the producer channel's buffer. */
    private static final int MAX_FORWARD = 256;
    /**
     * After a failure the forwarder has one event in flight until Kafka stores one: an event the producer still holds
     * when the broker comes back is stored before the resend of an earlier one that failed, and one at a time keeps
     * that to what was in flight when Kafka went away. Order is kept as far as that, not promised (nor is it across
     * call-ingest's replicas): call-state remembers an end that overtakes its call's incoming event.
     */
    private static final int AFTER_FAILURE = 1;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
    /** How soon what Kafka has is deleted from the journal when no webhook comes to carry the deletion. */
    private static final Duration FORGET_EVERY = Duration.ofMillis(500);
    private static final AttributeKey<String> CALL_SID = AttributeKey.stringKey(TraceAttributes.CALL_SID);
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey(TraceAttributes.TENANT);

    private sealed interface Write permits Append, Owner {
    }

    private record Append(Journal.Entry entry, String eventId, CompletableFuture<Void> stored) implements Write {
    }

    private record Owner(String number, String tenantId) implements Write {
    }

    /** An event handed to Kafka, not yet acknowledged. */
    private record InFlight(long id, CompletableFuture<Void> ack) {
    }

    private final Path path;
    private final long maxWaiting;
    private final ObjectMapper json;
    private final TwilioEventPublisher publisher;
    private final IngestMetrics metrics;
    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    /** Released after each commit of new events and each acknowledgement from Kafka: wakes the forwarder. */
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong waiting = new AtomicLong();
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private volatile long newestId;
    /** Every event up to this id is in Kafka; the writer deletes them with its next commit. */
    private volatile long forwardedThrough;
    /** The writer's: every event up to this id is deleted. */
    private long forgottenThrough;
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
        wake.release();
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
        if (full()) {
            return Uni.createFrom().failure(new UnavailableException("Event " + event.eventId() + " was not stored: the"
                    + " journal " + path + " holds " + waiting.get() + " webhooks waiting for Kafka, its limit"
                    + " (switchboard.ingest.journal.max-waiting). Bring Kafka back; Twilio may retry.", null));
        }
        // The webhook's span names the call: an operator finds a call's trace by its CallSid.
        Span.current().setAttribute(CALL_SID, event.callSid()).setAttribute(TENANT, event.tenantId());
        Append append = new Append(new Journal.Entry(serialize(event), traceparent()), event.eventId(),
                new CompletableFuture<>());
        writes.add(append);
        return CallerContext.backOnCaller(Uni.createFrom().completionStage(append.stored()));
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
                Write first = writes.poll(FORGET_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    forget();
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
        for (Write write : batch) {
            if (write instanceof Append append) {
                appends.add(append);
            } else if (write instanceof Owner owner) {
                remember(owner);
            }
        }
        if (!appends.isEmpty()) {
            append(appends);
        }
    }

    /**
     * Appends, and deletes what Kafka has meanwhile, in one synced commit: deleting costs no disk sync of its own. A
     * deletion lost with the process only has those events forwarded once more.
     */
    private void append(List<Append> appends) {
        List<Journal.Entry> entries = new ArrayList<>(appends.size());
        appends.forEach(append -> entries.add(append.entry()));
        long forget = forwardedThrough;
        try {
            List<Long> ids = journal.append(entries, forget > forgottenThrough ? forget : 0);
            forgottenThrough = Math.max(forgottenThrough, forget);
            waiting.addAndGet(ids.size());
            newestId = ids.get(ids.size() - 1);
            wake.release();
            appends.forEach(append -> append.stored().complete(null));
        } catch (SQLException e) {
            metrics.journalFailure();
            Log.errorf("Could not store %d webhooks in the journal %s: %s", appends.size(), path, e.getMessage());
            appends.forEach(append -> append.stored().completeExceptionally(new UnavailableException("Event "
                    + append.eventId() + " was not stored: the journal " + path + " failed: " + e.getMessage()
                    + ". Twilio may retry; check the pod's volume.", e)));
        }
    }

    /** While no webhooks come, deletes what Kafka has: the journal's file stays as small as what waits. */
    private void forget() {
        long forget = forwardedThrough;
        if (forget <= forgottenThrough) {
            return;
        }
        try {
            journal.append(List.of(), forget);
            forgottenThrough = forget;
        } catch (SQLException e) {
            Log.warnf("Could not delete the events through %d from the journal %s, already in Kafka: %s", forget,
                    path, e.getMessage());
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

    /**
     * Hands the journal to Kafka oldest first, without waiting for one event's acknowledgement before sending the next
     * (the producer keeps a partition's records in order), and moves {@link #forwardedThrough} over each event once it
     * and every one before it are acknowledged. After a failure it waits for what is in flight, and sends again from
     * the first event not acknowledged, one at a time until Kafka takes one.
     */
    private void forward() {
        Deque<InFlight> inFlight = new ArrayDeque<>();
        long sent = 0;
        long acknowledged = 0;
        Duration pause = FIRST_PAUSE;
        int window = MAX_FORWARD;
        while (running) {
            try {
                // Permits before this point are answered by what follows; one released later ends the wait below.
                wake.drainPermits();
                Throwable failure = null;
                int settled = 0;
                long before = acknowledged;
                while (!inFlight.isEmpty() && inFlight.peek().ack().isDone()) {
                    InFlight head = inFlight.poll();
                    if (head.ack().isCompletedExceptionally()) {
                        failure = failureOf(head.ack());
                        break;
                    }
                    acknowledged = head.id();
                    settled++;
                }
                if (settled > 0) {
                    waiting.addAndGet(-settled);
                    count(before, acknowledged, settled);
                    forwardedThrough = acknowledged;
                    recovered();
                    pause = FIRST_PAUSE;
                    window = MAX_FORWARD;
                }
                if (failure != null) {
                    // What follows the failed event may have been stored, or may be yet by the producer: everything
                    // from the failed event is sent again, and call-state applies each event id once.
                    inFlight.forEach(later -> later.ack().handle((ok, ignored) -> null).join());
                    inFlight.clear();
                    sent = acknowledged;
                    away(failure);
                    window = AFTER_FAILURE;
                    // Not a retry guard's job: what is tried again is no one call but the window of sends from the
                    // first unacknowledged event, read afresh from the journal, narrowed until Kafka takes one.
                    Thread.sleep(pause.toMillis());
                    pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                    continue;
                }
                int room = window - inFlight.size();
                List<Journal.Waiting> batch = room > 0 ? journal.after(sent, room) : List.of();
                for (Journal.Waiting next : batch) {
                    CompletableFuture<Void> ack = publish(next);
                    ack.whenComplete((ok, error) -> wake.release());
                    inFlight.add(new InFlight(next.id(), ack));
                    sent = next.id();
                }
                if (batch.isEmpty()) {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
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

    private static Throwable failureOf(CompletableFuture<Void> ack) {
        try {
            ack.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
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

    /** Counts {@code acknowledged} events, ids after {@code after} through {@code through}, by whether they waited. */
    private void count(long after, long through, int acknowledged) {
        long held = Math.min(acknowledged, Math.max(0, Math.min(through, heldThrough) - after));
        metrics.forwarded(acknowledged - held, held);
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
